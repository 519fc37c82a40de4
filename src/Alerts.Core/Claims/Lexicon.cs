using System.Collections.Frozen;

namespace Alerts.Core.Claims;

/// <summary>
/// The engine's knowledge of English news language: synonym sets of common predicates, reporting verbs,
/// denial, negation, modality and status-quo cues, titles and news agencies; place names are in the
/// <see cref="Gazetteer"/>. Nothing here is about a particular story. All entries are folded.
/// </summary>
internal static class Lexicon
{
    /// <summary>Synonym sets: the first word is the head the set is known by. Multi-word entries are verb + particle.</summary>
    private static readonly string[][] PredicateSets =
    [
        ["return", "give back", "take back", "hand back", "send back", "hand over"],
        ["abandon", "give up", "walk away", "drop", "ditch", "scrap", "relinquish", "forgo"],
        ["deny", "reject", "refute", "dismiss", "rebuff"],
        ["remove", "expel", "exclude", "oust", "kick out", "removal", "expulsion", "exclusion"],
        ["buy", "purchase", "acquire", "acquisition", "procure", "procurement", "takeover", "take over"],
        ["sell", "sale"],
        ["transfer", "send", "ship", "supply", "deploy"],
        ["deliver", "delivery", "receive", "take delivery"],
        ["agree", "deal", "agreement", "broker", "secure"],
        ["sign", "signing", "contract"],
        ["impose", "slap", "penalise", "penalize"],
        ["lift", "ease", "remove sanctions"],
        ["kill", "die", "dead", "death", "fatality", "killed"],
        ["loot", "looting", "plunder", "ransack"],
        ["damage", "destroy", "collapse", "flatten", "destruction"],
        ["arrive", "arrival"],
        ["injure", "wound", "hurt", "injury"],
        ["arrest", "detain", "detention", "custody"],
        ["charge", "indict", "accuse", "prosecute"],
        ["resign", "quit", "step down", "resignation"],
        ["appoint", "hire", "appointment"],
        ["fire", "sack", "dismissal", "oust"],
        ["join", "transfer fee"],
        ["launch", "start", "begin", "unveil", "introduce", "debut"],
        ["cancel", "halt", "suspend", "stop", "call off", "postpone", "delay"],
        ["approve", "authorise", "authorize", "approval"],
        ["ban", "forbid", "prohibit", "bar", "outlaw"],
        ["increase", "hike", "rise", "grow", "climb", "soar", "double", "triple"],
        ["cut", "reduce", "lower", "fall", "drop", "decline"],
        ["win", "beat", "defeat", "victory"],
        ["lose", "loss"],
        ["attack", "strike", "bomb", "shell", "raid"],
        ["invade", "invasion", "occupy"],
        ["negotiate", "talk", "discuss", "discussion", "negotiation", "talks"],
        ["ask", "request", "seek", "demand", "urge", "call for"],
        ["refund", "compensate", "reimburse", "compensation", "repay", "offset", "deduct"],
        ["resolve", "settle", "solve", "resolution"],
        ["use", "activate", "operate", "employ"],
        ["confirm", "verify", "acknowledge"],
        ["merge", "merger"],
        ["recall", "withdraw", "pull out", "pull back", "withdrawal"],
        ["change", "reverse", "shift", "alter", "reconsider"],
        ["pay", "payment", "fee", "cost", "worth", "spend"],
        ["infect", "outbreak", "infection"],
        ["evacuate", "flee", "evacuation", "displace"],
        ["elect", "vote", "election", "ballot"],
        ["show", "reveal", "depict", "expose"],
        ["hold", "host", "throw", "organise", "organize"],
        ["find", "conclude", "determine", "finding", "conclusion"],
        ["publish", "release", "publication"],
        ["describe", "refer to", "label", "brand", "call"],
        ["capture", "captive", "prisoner", "abduct", "kidnap", "hostage"],
        ["survive", "alive", "survivor"],
    ];

    /// <summary>Predicates whose assertion implies another: returning something means giving it up, which is a change.</summary>
    private static readonly (string Head, string[] Implied)[] Implications =
    [
        ("return", ["abandon", "change"]),
        ("buy", ["agree"]),
        ("merge", ["agree"]),
        ("abandon", ["change"]),
        ("sell", ["abandon", "change", "agree", "pay"]),
        ("transfer", ["abandon"]),
        ("recall", ["change"]),
        ("cancel", ["change"]),
    ];

    private static readonly (string Base, string[] Irregular)[] IrregularForms =
    [
        ("give", ["gave", "given", "giving", "gives"]),
        ("take", ["took", "taken", "taking", "takes"]),
        ("send", ["sent"]),
        ("sell", ["sold"]),
        ("buy", ["bought"]),
        ("win", ["won", "winning"]),
        ("lose", ["lost", "losing"]),
        ("hand", ["handed"]),
        ("pay", ["paid"]),
        ("seek", ["sought"]),
        ("strike", ["struck", "striking"]),
        ("quit", ["quitting"]),
        ("drop", ["dropped", "dropping"]),
        ("stop", ["stopped", "stopping"]),
        ("ban", ["banned", "banning"]),
        ("bar", ["barred", "barring"]),
        ("cut", ["cutting"]),
        ("ship", ["shipped", "shipping"]),
        ("plan", ["planned", "planning"]),
        ("begin", ["began", "begun", "beginning"]),
        ("rise", ["rose", "risen"]),
        ("fall", ["fell", "fallen"]),
        ("die", ["died", "dying", "dies"]),
        ("hold", ["held"]),
        ("shell", ["shelled", "shelling"]),
        ("step", ["stepped"]),
        ("pull", ["pulled"]),
        ("call", ["called"]),
        ("walk", ["walked"]),
        ("kick", ["kicked"]),
        ("deny", ["denied", "denies", "denying", "denial"]),
        ("refute", ["refuted"]),
        ("reject", ["rejection"]),
        ("impose", ["imposition"]),
        ("refund", ["refunds"]),
        ("supply", ["supplied", "supplies"]),
        ("deploy", ["deployment"]),
        ("forbid", ["forbade", "forbidden", "forbids"]),
        ("prohibit", ["prohibition"]),
        ("invade", ["invading"]),
        ("talk", ["talks"]),
        ("show", ["shown", "shows", "showed", "showing"]),
        ("find", ["found", "finds", "finding"]),
        ("throw", ["threw", "thrown"]),
    ];

    /// <summary>Folded word or "verb particle" → synonym-set head.</summary>
    public static FrozenDictionary<string, string> Predicates { get; } = BuildPredicates();

    /// <summary>Predicate heads that say little on their own (asking, talking, starting): they count for less when matching.</summary>
    public static FrozenSet<string> LightPredicates { get; } = Set("ask", "negotiate", "launch", "confirm", "change");

    public static FrozenDictionary<string, string[]> Implied { get; } =
        Implications.ToFrozenDictionary(i => i.Head, i => i.Implied, StringComparer.Ordinal);

    /// <summary>Particles that complete a phrasal predicate ("give ... back", "walk away").</summary>
    public static FrozenSet<string> Particles { get; } = Set("back", "up", "away", "out", "off", "down", "over", "for");

    /// <summary>Verbs that introduce what a source says.</summary>
    public static FrozenSet<string> ReportingVerbs { get; } = Set(
        "said", "says", "say", "told", "tells", "stated", "states", "reported", "reports", "report", "claimed", "claims",
        "announced", "announces", "added", "noted", "notes", "wrote", "writes", "affirmed", "affirms", "emphasized",
        "emphasised", "stressed", "insisted", "insists", "confirmed", "confirms", "declared", "argued", "warned",
        "explained", "revealed", "disclosed", "quoted", "cited", "tweeted", "posted", "predicted", "predicting",
        "estimated", "clarified", "clarifying", "underlined", "acknowledged",
        "indicated", "suggested", "maintained", "repeated", "reiterated", "assured", "replied", "according");

    /// <summary>Cues that deny the proposition of their clause.</summary>
    public static FrozenSet<string> DenialWords { get; } = Set(
        "denied", "denies", "deny", "denying", "rejected", "rejects", "reject", "refuted", "refutes", "refute",
        "dismissed", "dismisses", "dismiss", "rebuffed", "baseless", "unfounded", "untrue", "false", "groundless",
        "fabricated", "nonsense", "debunked", "unchanged", "retracted", "retracts", "retract", "retraction", "misconduct",
        "flawed", "discredited");

    public static FrozenSet<string> NegationWords { get; } = Set(
        "not", "no", "never", "cannot", "neither", "nor", "none", "nothing");

    /// <summary>Multi-word phrases that deny or say nothing has changed.</summary>
    public static IReadOnlyList<string> DenialPhrases { get; } =
    [
        "no intention of", "no intention to", "not a matter of discussion", "not on the agenda", "remains unchanged",
        "remain unchanged", "remains constant", "has not changed", "have not changed", "no change", "fake news",
        "no deal has been done", "no deal has been agreed", "not true", "no truth", "is not for sale",
        "no plans to", "no plan to", "has no plans", "was not discussed", "were not discussed", "did not include",
        "no such request", "categorically", "firmly rejected", "pure speculation",
        "nothing has changed", "rules out", "ruled out", "rule out", "ruling out", "called the reports", "dismissed the reports",
        "mere speculation", "calling into question", "called into question", "call into question", "cast doubt", "casts doubt",
        "expression of concern",
    ];

    /// <summary>Things that show what was said or done: a sentence about them reports evidence, even put cautiously.</summary>
    public static IReadOnlyList<string> EvidenceWords { get; } = ["video", "footage", "recording", "leaked", "leaked video", "photos", "emails", "documents show"];

    /// <summary>Phrases that state a rule forbidding something: the claim asserts a ban.</summary>
    public static IReadOnlyList<string> ProhibitionPhrases { get; } =
    [
        "does not have the right to", "do not have the right to", "has no right to", "have no right to",
        "is not allowed to", "are not allowed to", "is not permitted to", "are not permitted to", "is prohibited from",
        "are prohibited from", "is forbidden to", "are forbidden to", "is forbidden from", "is barred from", "are barred from",
    ];

    /// <summary>Phrases that narrate an earlier time: the sentence is background to the news.</summary>
    public static IReadOnlyList<string> NarrativePastPhrases { get; } =
    [
        "the following year", "the previous year", "the year before", "a year later", "years later", "at the time",
        "back then", "in the past", "historically", "decades ago", "for years",
    ];

    /// <summary>Times counted back from the article ("last month", "two years ago"): what happened then is context for today's news.</summary>
    public static IReadOnlyList<string> RelativePastPhrases { get; } =
    [
        "last week", "last month", "last year", "weeks ago", "months ago", "years ago", "a week ago", "a month ago", "a year ago",
        "earlier this year",
    ];

    /// <summary>Phrases that describe a standing state (where a place lies, what someone is known for), not an event.</summary>
    public static IReadOnlyList<string> DescriptivePhrases { get; } =
    [
        "is located", "are located", "is situated", "are situated", "is home to", "famous for", "known for",
    ];

    /// <summary>Labels that open a paragraph of context in news layouts ("THE BIGGER PICTURE:", "Background:").</summary>
    public static FrozenSet<string> ContextLabels { get; } = Set(
        "the bigger picture", "the big picture", "background", "context", "the backstory", "catch up", "flashback",
        "go deeper", "between the lines", "why it matters");

    /// <summary>Words that look ahead: a dated sentence with one of them is a plan or a forecast, not history.</summary>
    public static FrozenSet<string> FutureWords { get; } = Set(
        "will", "would", "shall", "expects", "expected", "expect", "plans", "planned", "scheduled", "upcoming", "until");

    /// <summary>Titles of those who speak for an institution rather than for themselves.</summary>
    public static FrozenSet<string> SpokesTitles { get; } = Set("spokesman", "spokeswoman", "spokesperson", "spokespeople", "press");

    /// <summary>Cues that make a claim speculative rather than stated.</summary>
    public static FrozenSet<string> SpeculativeWords { get; } = Set(
        "could", "might", "may", "possibly", "possible", "possibility", "perhaps", "potentially",
        "rumors", "rumours", "rumor", "rumour", "speculation", "speculated", "unverified", "unconfirmed", "considering", "consider",
        "mulling", "weighing", "likely", "unlikely", "hopes", "if");

    public static IReadOnlyList<string> SpeculativePhrases { get; } =
    [
        "is considering", "are considering", "sources say", "is said to", "are said to", "could be",
        "might be", "remain unverified", "remains unverified", "is expected to", "are expected to",
    ];

    /// <summary>Cues that a claim is reported by someone rather than stated by the outlet.</summary>
    public static IReadOnlyList<string> ReportedPhrases { get; } =
    [
        "according to", "citing", "sources familiar", "people familiar", "familiar with the matter", "with reference to",
        "told reporters", "told media", "reports", "reported", "said", "says", "quoted", "in a statement",
    ];

    /// <summary>Anaphora a denial uses to point back at the claim it denies.</summary>
    public static IReadOnlyList<string> BackReferences { get; } =
    [
        "such a request", "such request", "such reports", "such claims", "these reports", "those reports",
        "the reports", "the report", "the claims", "the claim", "these claims", "such a move", "this topic",
        "the allegations", "these allegations", "the rumors", "the rumours", "this issue", "the issue", "such a deal",
        "this report", "this claim", "the idea", "such a plan", "such a step", "the request",
    ];

    /// <summary>Sentences that are not claims: comment refusals, calls to action, page furniture.</summary>
    public static IReadOnlyList<string> NonClaimPhrases { get; } =
    [
        "declined to comment", "did not respond", "did not immediately respond", "could not be reached",
        "declined to answer", "refused to comment", "have not commented", "has not commented", "had not commented",
        "did not comment", "not immediately available for comment", "did not return", "no immediate comment",
        "could not immediately be reached", "not respond to a request",
        "no comments yet", "sign up", "subscribe", "newsletter", "patreon", "become a patron", "support us",
        "donate", "all rights reserved", "cookie", "click here", "share this", "follow us", "comments (",
        "take a second to support", "must read", "more news", "latest news", "related articles",
        // A report describing its own sourcing states nothing about the story.
        "report is based on", "article is based on", "story is based on", "account is based on", "reporting is based on",
    ];

    /// <summary>Teasers for other articles, often glued onto a sentence: a sentence starting so is dropped.</summary>
    public static IReadOnlyList<string> TeaserStarts { get; } =
    [
        "explore further", "read also", "read more", "see also", "also read", "related:", "watch:", "listen:",
        "recommended", "more:", "read next", "don't miss", "do not miss",
    ];

    /// <summary>Opinion, hedging and framing ("this comes amid ...") that is not a checkable statement.</summary>
    public static IReadOnlyList<string> OpinionPhrases { get; } =
    [
        "i think", "we think", "in my view", "in our view", "it is important to", "it's important to", "should be",
        "must be", "arguably", "it seems", "seems determined", "the question arises", "it remains to be seen",
        "in other words", "to understand", "reflects the", "is crucial", "is sometimes referred",
        "comes amid", "this comes as", "the move comes",
        "we are very happy", "we are happy", "we are pleased", "we are delighted", "we are proud", "we are disappointed",
        "i am very happy", "i am happy", "i am pleased", "i am delighted", "i am proud", "i am disappointed",
        "exciting to",
    ];

    /// <summary>Titles and roles that precede or follow a name; they mark an official source.</summary>
    public static FrozenSet<string> Titles { get; } = Set(
        "president", "prime", "minister", "spokesman", "spokeswoman", "spokesperson", "secretary", "ambassador",
        "admiral", "rear", "vice", "general", "gen", "adm", "lt", "col", "colonel", "captain", "capt", "commander",
        "chief", "head", "director", "chairman", "chairwoman", "chair", "ceo", "governor", "gov", "senator", "sen",
        "rep", "representative", "mayor", "minister", "deputy", "official", "officials", "diplomat", "advisor",
        "adviser", "officer", "envoy", "king", "queen", "prince", "chancellor", "manager", "coach", "agent",
        "police", "prosecutor", "judge", "mr", "mrs", "ms", "dr", "prof", "sheikh", "foreign", "defence", "defense",
        "press", "senior", "top", "former", "state", "sergeant", "major", "marshal");

    /// <summary>Institutions that speak as a body ("the defence ministry said", "the Turkish military says").</summary>
    public static FrozenSet<string> Institutions { get; } = Set(
        "ministry", "agency", "office", "department", "forces", "army", "navy", "military", "government", "embassy",
        "council", "parliament", "commission", "committee", "court", "authority", "authorities", "regulator",
        "administration", "cabinet", "presidency", "spokesperson", "police", "officials", "company", "bank");

    /// <summary>News agencies and wire services: when cited, they are the original source.</summary>
    public static FrozenDictionary<string, string> Agencies { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["reuters"] = "reuters", ["ap"] = "ap", ["associated press"] = "ap", ["afp"] = "afp",
        ["agence france-presse"] = "afp", ["bloomberg"] = "bloomberg", ["tass"] = "tass", ["ria novosti"] = "ria",
        ["ria"] = "ria", ["interfax"] = "interfax", ["xinhua"] = "xinhua", ["dpa"] = "dpa", ["efe"] = "efe",
        ["ansa"] = "ansa", ["kyodo"] = "kyodo", ["yonhap"] = "yonhap", ["anadolu"] = "anadolu",
        ["anadolu agency"] = "anadolu", ["pti"] = "pti", ["upi"] = "upi", ["pa media"] = "pa", ["pa"] = "pa",
        ["financial times"] = "financial times", ["wall street journal"] = "wall street journal",
        ["new york times"] = "new york times", ["washington post"] = "washington post", ["bbc"] = "bbc",
        ["cnn"] = "cnn", ["axios"] = "axios", ["politico"] = "politico", ["the guardian"] = "guardian",
        ["guardian"] = "guardian", ["sky news"] = "sky news", ["al jazeera"] = "al jazeera",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Agency names by their first word, longest first: a token that starts no name is rejected by one lookup.</summary>
    private static readonly FrozenDictionary<string, (string[] Words, string Name, string Key)[]> AgenciesByFirstWord =
        Agencies.Select(a => (Words: a.Key.Split(' '), Name: a.Key, Key: a.Value))
            .GroupBy(a => a.Words[0], StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.OrderByDescending(a => a.Words.Length).ToArray(), StringComparer.Ordinal);

    /// <summary>The agency whose name starts at token <paramref name="i"/> (whole words), if any.</summary>
    public static (string Name, string Key)? AgencyAt(IReadOnlyList<Alerts.Core.Text.Token> tokens, int i)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (!AgenciesByFirstWord.TryGetValue(tokens[i].Text, out var candidates))
        {
            return null;
        }

        foreach (var (words, name, key) in candidates)
        {
            var k = 1;
            while (k < words.Length && i + k < tokens.Count && tokens[i + k].Text == words[k])
            {
                k++;
            }

            if (k == words.Length)
            {
                return (name, key);
            }
        }

        return null;
    }

    /// <summary><see cref="NonClaimPhrases"/> with a leading space (a phrase starts a word).</summary>
    public static IReadOnlyList<string> PaddedNonClaimPhrases { get; } = [.. NonClaimPhrases.Select(p => " " + p)];

    /// <summary><see cref="TeaserStarts"/> as the start of padded folded text.</summary>
    public static IReadOnlyList<string> PaddedTeaserStarts { get; } = [.. TeaserStarts.Select(t => " " + t.TrimEnd(':'))];

    /// <summary>Anonymous sources: the claim is attributed to whoever the article cites them through.</summary>
    public static IReadOnlyList<string> AnonymousSources { get; } =
    [
        "people familiar", "sources familiar", "person familiar", "familiar with the matter", "unnamed sources",
        "sources said", "sources say", "sources told", "interlocutors", "insiders", "a source", "sources close",
        "officials said", "people with knowledge", "according to sources", "the article", "anonymous source", "anonymous sources",
    ];

    /// <summary>Country names, demonyms, capitals and seats of government folded onto one key per country (see <see cref="Gazetteer"/>).</summary>
    public static FrozenDictionary<string, string> Aliases => Gazetteer.Aliases;

    /// <summary>Capitalised words that are not names: function words, months, days, sentence openers.</summary>
    public static FrozenSet<string> NotNames { get; } = Set(
        "the", "a", "an", "this", "that", "these", "those", "it", "its", "he", "she", "they", "we", "i", "his", "her",
        "their", "our", "in", "on", "at", "for", "of", "by", "to", "from", "with", "after", "before", "during",
        "despite", "following", "however", "but", "and", "or", "as", "if", "when", "while", "although", "since",
        "according", "meanwhile", "also", "yet", "so", "there", "here", "what", "who", "why", "how", "where",
        "which", "under", "over", "about", "amid", "amidst", "recently", "earlier", "later", "last", "next", "every",
        "one", "two", "three", "four", "five", "some", "many", "most", "all", "both", "each", "another", "other",
        "such", "given", "therefore", "consequently", "additionally", "moreover", "background", "impact", "date",
        "cost", "response", "rumors", "liked", "become", "more", "latest", "comments", "no", "not",
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mr", "mrs", "ms", "dr",
        "breaking", "update", "updated", "exclusive", "analysis", "opinion", "watch", "video", "photo", "read",
        "explore", "must", "news", "says", "said", "report", "reports", "sources", "source", "officials", "us",
        "early", "late", "initial", "initially", "now", "today", "yesterday", "tonight", "still", "then", "even", "just",
        "i've", "i'm", "i'd", "i'll", "we've", "we're", "you", "you're", "nevertheless", "nonetheless", "instead", "overall",
        // Time zones after a time of day ("2:00 a.m. ET").
        "et", "est", "edt", "pt", "pst", "pdt", "gmt", "bst", "utc", "cet", "cest");

    /// <summary>People who speak for someone named in the possessive before them ("Lionel Messi's father", "the minister's lawyer").</summary>
    public static FrozenSet<string> Relatives { get; } = Set(
        "father", "mother", "son", "daughter", "brother", "sister", "wife", "husband", "family", "parents", "lawyer", "lawyers",
        "attorney", "agent", "camp", "entourage", "aide", "aides", "representative", "representatives", "friend");

    /// <summary>Words that end organisation names without distinguishing them ("Acme Industries" is keyed "acme").</summary>
    public static FrozenSet<string> OrganisationWords { get; } = Set(
        "industries", "group", "holdings", "corporation", "corp", "inc", "ltd", "plc", "company", "co", "bank", "agency",
        "ministry", "party", "forces", "institute", "university", "council", "union", "association", "club", "fc",
        "united", "city", "foundation", "authority", "commission", "department", "office", "service", "services",
        "systems", "technologies", "international", "national", "news");

    public static FrozenSet<string> StopWords { get; } = Set(
        "the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "at", "for", "by", "with", "from", "as", "is",
        "are", "was", "were", "be", "been", "being", "has", "have", "had", "do", "does", "did", "will", "would",
        "could", "should", "may", "might", "can", "shall", "must", "it", "its", "this", "that", "these", "those",
        "he", "she", "they", "them", "his", "her", "their", "we", "our", "you", "your", "i", "me", "my", "which",
        "who", "whom", "whose", "what", "when", "where", "why", "how", "not", "no", "nor", "so", "than", "then",
        "there", "here", "also", "about", "into", "over", "under", "after", "before", "during", "since", "until",
        "while", "if", "because", "although", "though", "such", "any", "all", "both", "each", "more", "most",
        "other", "some", "only", "own", "same", "very", "just", "even", "still", "yet", "again", "further", "once",
        "amid", "amidst", "despite", "against", "between", "through", "per", "via", "upon", "within", "without",
        "according", "said", "says", "say", "told", "reported", "reports", "report", "stated", "week", "month",
        "year", "years", "months", "weeks", "day", "days", "last", "earlier", "later", "ago", "now", "recently",
        "however", "whether", "would", "up", "out", "back", "away", "off", "down", "mr", "ms", "mrs", "one",
        "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "first", "second", "new", "s",
        "being", "around", "among", "along", "across", "toward", "towards", "while", "whereas", "citing",
        "familiar", "matter", "people", "sources", "source", "news", "media", "move", "effort", "issue");

    public static FrozenDictionary<string, int> NumberWords { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7,
        ["eight"] = 8, ["nine"] = 9, ["ten"] = 10, ["eleven"] = 11, ["twelve"] = 12, ["fifteen"] = 15,
        ["twenty"] = 20, ["thirty"] = 30, ["forty"] = 40, ["fifty"] = 50, ["hundred"] = 100, ["dozen"] = 12,
        ["a"] = 1,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static FrozenDictionary<string, int> Months { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["january"] = 1, ["jan"] = 1, ["february"] = 2, ["feb"] = 2, ["march"] = 3, ["mar"] = 3, ["april"] = 4,
        ["apr"] = 4, ["may"] = 5, ["june"] = 6, ["jun"] = 6, ["july"] = 7, ["jul"] = 7, ["august"] = 8,
        ["aug"] = 8, ["september"] = 9, ["sep"] = 9, ["sept"] = 9, ["october"] = 10, ["oct"] = 10,
        ["november"] = 11, ["nov"] = 11, ["december"] = 12, ["dec"] = 12,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Abbreviations that end with a dot without ending the sentence.</summary>
    public static FrozenSet<string> Abbreviations { get; } = Set(
        "mr", "mrs", "ms", "dr", "prof", "st", "sr", "jr", "gen", "adm", "lt", "col", "capt", "cmdr", "sgt", "maj",
        "gov", "sen", "rep", "rev", "hon", "no", "vs", "etc", "inc", "ltd", "co", "corp", "dept", "est", "approx",
        "fig", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft",
        "e.g", "i.e", "u.s", "u.k", "u.n", "e.u", "a.m", "p.m", "no", "op", "al");

    public static bool IsStop(string word) => StopWords.Contains(word);

    /// <summary>True when <paramref name="phrase"/> occurs in space-separated <paramref name="text"/> as whole words (no allocation).</summary>
    public static bool ContainsWords(string text, string phrase)
    {
        var start = 0;
        while (start <= text.Length - phrase.Length)
        {
            var at = text.IndexOf(phrase, start, StringComparison.Ordinal);
            if (at < 0)
            {
                return false;
            }

            var end = at + phrase.Length;
            if ((at == 0 || text[at - 1] == ' ') && (end == text.Length || text[end] == ' '))
            {
                return true;
            }

            start = at + 1;
        }

        return false;
    }

    private static FrozenSet<string> Set(params string[] words) => words.ToFrozenSet(StringComparer.Ordinal);

    private static FrozenDictionary<string, string> BuildPredicates()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var irregular = IrregularForms.ToDictionary(i => i.Base, i => i.Irregular, StringComparer.Ordinal);
        foreach (var set in PredicateSets)
        {
            var head = set[0];
            foreach (var entry in set)
            {
                var parts = entry.Split(' ');
                var verb = parts[0];
                var rest = parts.Length > 1 ? " " + string.Join(' ', parts[1..]) : "";
                var forms = RegularForms(verb).Concat(irregular.GetValueOrDefault(verb) ?? []);
                foreach (var form in forms)
                {
                    map.TryAdd(form + rest, head);
                }
            }
        }

        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static IEnumerable<string> RegularForms(string verb)
    {
        yield return verb;
        if (verb.EndsWith('e'))
        {
            yield return verb + "s";
            yield return verb + "d";
            yield return verb[..^1] + "ing";
        }
        else if (verb.EndsWith('y') && verb.Length > 2 && !"aeiou".Contains(verb[^2], StringComparison.Ordinal))
        {
            yield return verb[..^1] + "ies";
            yield return verb[..^1] + "ied";
            yield return verb + "ing";
        }
        else
        {
            yield return verb + (verb.EndsWith('s') || verb.EndsWith('h') ? "es" : "s");
            yield return verb + "ed";
            yield return verb + "ing";
        }
    }
}
