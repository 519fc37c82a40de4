using Alerts.Core.Text;

namespace Alerts.Core.Claims;

/// <summary>
/// Turns an article into check-worthy claims: the headline and the sentences that state something about
/// named entities that could be true or false. Each claim carries its entities, predicates, objects,
/// quantities, polarity, modality, attribution and the cues behind them; a denial that points back
/// ("such a request") takes over the proposition of the claim it denies.
/// </summary>
public static class ClaimExtractor
{
    public static IReadOnlyList<Claim> Extract(ArticleInput article) => Extract(article, null);

    /// <param name="speculation">When given, receives the outlet's own speculative sentences, which are not claims but do mention one.</param>
    internal static IReadOnlyList<Claim> Extract(ArticleInput article, List<SentenceFeatures>? speculation)
    {
        ArgumentNullException.ThrowIfNull(article);
        var context = ArticleAnalysis.Of(article);
        var claims = new List<Claim>();
        var signatures = new List<ClaimSignature>();
        SentenceFeatures? previous = null;
        Attribution? carried = null;
        Attribution? institution = null;
        Attribution? lastSpeaker = null;
        var spokespeople = new Dictionary<string, Attribution>(StringComparer.Ordinal);
        var paragraph = -1;
        var contextParagraph = -2;
        foreach (var unit in context.Units)
        {
            // "THE BIGGER PICTURE: ...": the layout labels the whole paragraph as context for the news above it.
            if (!unit.IsHeadline && (unit.Paragraph == contextParagraph || OpensWithContextLabel(unit.Text)))
            {
                contextParagraph = unit.Paragraph;
                continue;
            }

            var features = SentenceFeatures.Of(unit, context, unit.ContinuesPrevious ? previous?.Entities : null);
            if (features.ReportsPrevious is { } back && claims.Count > 0 && previous?.Claim is { } last && last.Attribution.Kind == AttributionKind.Outlet)
            {
                // "This was reported by the agency Reuters": the attribution belongs to the sentence before.
                var fixedClaim = last with { Attribution = back, Modality = last.Modality == Modality.Fact ? Modality.Reported : last.Modality, Cues = [.. last.Cues, .. features.Cues] };
                claims[^1] = fixedClaim;
                carried = back;
                continue;
            }

            if (unit.Paragraph != paragraph)
            {
                carried = null;
                institution = null;
                paragraph = unit.Paragraph;
            }

            // Background in the outlet's own voice (an old date, "the following year") is context, not news:
            // it is no claim, and an agency cited earlier in the paragraph does not carry over onto it.
            if (features.Attribution is null && !unit.IsHeadline && IsBackground(features, article.Published))
            {
                previous = features;
                continue;
            }

            // A speaker's words that open by narrating an earlier time ("At the time, the mayor tweeted ...") are context
            // too. (A speaker's dated statement otherwise counts: "Estavia bought the jets in 2019, the minister said".)
            if (features.Attribution is not null && !unit.IsHeadline && Lexicon.NarrativePastPhrases.Any(p => features.Folded.StartsWith(" " + p + " ", StringComparison.Ordinal)))
            {
                previous = features;
                continue;
            }

            var attribution = features.Attribution;
            if (attribution is null && carried is not null && !unit.IsHeadline)
            {
                attribution = carried;
                features.Cues.Add("(continues " + carried.Source + ")");
            }
            else if (attribution is null && features.PronounSpeaker && lastSpeaker is { } speaker)
            {
                attribution = speaker;
                features.Cues.Add("(he/she: " + speaker.Source + ")");
            }

            if (attribution is { Kind: AttributionKind.CitedSource })
            {
                carried = attribution;
            }
            else if (features.Attribution is not null)
            {
                // Another speaker takes the floor: what follows is no longer the agency's report.
                carried = null;
            }

            if (attribution is { Kind: AttributionKind.Official } official && features.Attribution is not null)
            {
                // "The ministry denied it. Spokesperson Jane Roe said ...": the spokesperson speaks for the ministry,
                // and goes on doing so when named again ("Roe added").
                attribution = spokespeople.GetValueOrDefault(official.SourceKey) ?? SpokespersonFor(official, institution);
                if (attribution.SourceKey != official.SourceKey)
                {
                    spokespeople[official.SourceKey] = attribution;
                }

                institution = IsInstitution(official.Source) ? attribution : institution;
            }

            var claim = features.ToClaim(article, attribution ?? context.OutletAttribution, claims, signatures);
            // "He" and "she" point at the last official who spoke, even past a clause in the outlet's voice.
            lastSpeaker = claim?.Attribution is { Kind: AttributionKind.Official } spoke ? spoke : lastSpeaker;
            previous = features with { Claim = claim };
            if (claim is not null)
            {
                claims.Add(claim);
            }
            else if (speculation is not null && features.DropReason is null && features.Modality == Modality.Speculative)
            {
                speculation.Add(features);
            }
        }

        return claims;
    }

    /// <summary>
    /// Context rather than a new development: every date it gives is well before the article, or it narrates
    /// an earlier time ("the following year", "at the time"), or its only predicates are participles and
    /// nominalisations ("balances between East and West by avoiding sanctions").
    /// </summary>
    private static bool IsBackground(SentenceFeatures features, DateTimeOffset? published)
    {
        var folded = features.Folded;
        if (Lexicon.NarrativePastPhrases.Any(p => Lexicon.ContainsWords(folded, p)))
        {
            return true;
        }

        // A second clause ("... but is also seeking a refund") left its auxiliary in the joint.
        if (features.OnlyNonFinitePredicates && !features.Unit.ContinuesPrevious && features.Quantities.Count == 0 && features.Polarity == Polarity.Asserted)
        {
            return true;
        }

        // "The island is located 30 miles off the coast", "became famous for": a standing description, not an event.
        if (Lexicon.DescriptivePhrases.Any(p => Lexicon.ContainsWords(folded, p)))
        {
            return true;
        }

        // "The recording shows staff joking about a party on December 18 2020": new evidence about an old date is news;
        // evidence itself dated back ("a viral video last week showed") is not new.
        if (features.FutureTense || Lexicon.EvidenceWords.Any(e => Lexicon.ContainsWords(folded, e)
            && !Lexicon.RelativePastPhrases.Any(p => Lexicon.ContainsWords(folded, e + " " + p))))
        {
            return false;
        }

        // "She stepped down as chief executive last month": a time counted back from the article is context.
        return Lexicon.RelativePastPhrases.Any(p => Lexicon.ContainsWords(folded, p)) || OnlyOldDates(features, published);
    }

    /// <summary>The sentence gives dates, and every one of them is <see cref="BackgroundAgeDays"/> or more before the article.</summary>
    private static bool OnlyOldDates(SentenceFeatures features, DateTimeOffset? published)
    {
        var dates = features.Quantities.Where(q => q.Kind == QuantityKind.Date).ToList();
        return published is { } now && dates.Count > 0 && dates.All(d => DaysBefore(d.UpperValue, now) > BackgroundAgeDays);
    }

    /// <summary>"THE BIGGER PICTURE: Messi returned ...": a short label before a colon that names context.</summary>
    private static bool OpensWithContextLabel(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && colon <= 30 && Lexicon.ContextLabels.Contains(TextFolding.Fold(text[..colon]).Trim());
    }

    /// <summary>A date this many days before publication is history, not news.</summary>
    private const int BackgroundAgeDays = 60;

    /// <summary>How long before <paramref name="now"/> a date ordinal (yyyymmdd, zeros for unknown parts; year 0 = the latest such month) ends.</summary>
    private static double DaysBefore(double ordinal, DateTimeOffset now)
    {
        var value = (int)ordinal;
        int year = value / 10000, month = value / 100 % 100;
        if (year == 0)
        {
            year = month > now.Month ? now.Year - 1 : now.Year;
        }

        if (year < 1 || year > 9999)
        {
            return 0;
        }

        // The end of the period named: the whole year, or the whole month.
        var end = month == 0 ? new DateTimeOffset(year, 12, 31, 0, 0, 0, TimeSpan.Zero) : new DateTimeOffset(year, month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1).AddDays(-1);
        return (now - end).TotalDays;
    }

    /// <summary>A spokesperson with no institution of their own speaks for the institution that spoke just before in the paragraph, or the one named before their title ("Ministry spokesman").</summary>
    private static Attribution SpokespersonFor(Attribution official, Attribution? institution)
    {
        var words = Tokenizer.Terms(official.Source).ToList();
        var title = words.FindIndex(Lexicon.SpokesTitles.Contains);
        if (title < 0)
        {
            return official;
        }

        if (title > 0)
        {
            var named = string.Join(' ', words.Take(title));
            return official with { SourceKey = named };
        }

        return institution is null ? official : official with { SourceKey = institution.SourceKey, Source = institution.Source + " " + official.Source.ToLowerInvariant()[..1] + official.Source[1..] };
    }

    /// <summary>A country, a seat of government or an organisation ("the Elysee", "the Defence Ministry"), not a person.</summary>
    private static bool IsInstitution(string source)
    {
        var folded = TextFolding.Fold(source);
        return Lexicon.Aliases.ContainsKey(folded) || Lexicon.OrganisationWords.Contains(folded.Split(' ')[^1]);
    }

    /// <summary>What each headline and sentence says, check-worthy or not (relate reads the outlet's speculation too).</summary>
    internal static IEnumerable<SentenceFeatures> Analyze(ArticleInput article)
    {
        var context = ArticleAnalysis.Of(article);
        return context.Units.Select(unit => SentenceFeatures.Of(unit, context));
    }

    /// <summary>A headline or body sentence with the paragraph it sits in.</summary>
    /// <summary>A headline, sentence or clause; <see cref="Sentence"/> is the whole sentence a clause came from, shown to readers.</summary>
    internal sealed record TextUnit(int Index, string Text, bool IsHeadline, int Paragraph, bool IsTitleCase, bool ContinuesPrevious = false, string? Sentence = null)
    {
        private List<Token>? _tokens;
        private string? _folded;

        /// <summary>The unit's whole tokens (no hyphen parts), tokenised once: names, relays and features all read them.</summary>
        public List<Token> Tokens => _tokens ??= Tokenizer.Tokenize(Text).Where(t => !t.IsPart).ToList();

        /// <summary>The folded words, space-separated with a space at each end (for whole-word phrase search).</summary>
        public string Folded => _folded ??= " " + string.Join(' ', Tokens.Select(t => t.Text)) + " ";
    }

    /// <summary>What the whole article tells about each sentence: names seen mid-sentence, the outlet and the source it relays.</summary>
    /// <param name="LowerWords">Words the article writes in lower case somewhere: a capitalised sentence opener that is one of them is not a name.</param>
    internal sealed record ArticleAnalysis(IReadOnlyList<TextUnit> Units, IReadOnlySet<string> ProperNames, IReadOnlySet<string> LowerWords, Attribution OutletAttribution)
    {
        public static ArticleAnalysis Of(ArticleInput article)
        {
            var units = new List<TextUnit>();
            var title = (article.Title ?? "").Trim();
            var foldedTitle = TextFolding.Fold(title);
            if (title.Length > 0)
            {
                units.Add(new TextUnit(0, title, true, -1, IsTitleCase(title)));
            }

            var lines = (article.Text ?? "").Split('\n').Select(StripWireCredit).ToArray();
            var index = units.Count;
            for (var p = 0; p < lines.Length; p++)
            {
                var sentences = SentenceSplitter.Split(lines[p]);
                for (var k = 0; k < sentences.Count; k++)
                {
                    var sentence = sentences[k];
                    // A sub-heading glued onto the next sentence ("... talks with MartinSchmidt asked") ends with no stop.
                    var gluedHeading = k < sentences.Count - 1 && sentence.Text.TrimEnd() is var trimmed && trimmed.Length > 0 && trimmed[^1] is not ('.' or '!' or '?' or '…' or '"' or '\u201d' or '\u2019' or ')' or ':');
                    if (gluedHeading || IsTitleAgain(sentence.Text, title, foldedTitle))
                    {
                        continue;
                    }

                    var first = true;
                    foreach (var clause in Clauses(sentence.Text))
                    {
                        units.Add(new TextUnit(index++, clause, false, p, IsTitleCase(clause), !first, sentence.Text));
                        first = false;
                    }
                }
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            var lower = new HashSet<string>(StringComparer.Ordinal);
            foreach (var unit in units.Where(u => !u.IsTitleCase))
            {
                foreach (var token in unit.Tokens)
                {
                    if (char.IsLower(unit.Text[token.Start]))
                    {
                        lower.Add(token.Text);
                    }
                    else if (token.Position > 0 && !unit.IsHeadline && char.IsUpper(unit.Text[token.Start]))
                    {
                        names.Add(token.Text);
                    }
                }
            }

            var outlet = string.IsNullOrWhiteSpace(article.Outlet) ? article.Key : article.Outlet!;
            var wire = WireCredit(article.Text ?? "");
            var via = wire ?? RelayedAgency(units);
            var outletAttribution = new Attribution(outlet, AttributionKind.Outlet, wire ?? TextFolding.Fold(outlet), via);
            return new ArticleAnalysis(units, names, lower, outletAttribution);
        }

        private (bool Found, Attribution? Value) _speakingOrganisation;

        /// <summary>
        /// The one organisation the article has speaking ("Acme then denied the report"): a single capitalised name right
        /// before a verb of saying or denying, never part of a person's name ("Jane Acme", "President Acme") nor a
        /// country or an agency. Null when there is none, or several and none speaks twice as often as the next.
        /// "The company" as a speaker resolves to it.
        /// </summary>
        public Attribution? SpeakingOrganisation
        {
            get
            {
                if (!_speakingOrganisation.Found)
                {
                    _speakingOrganisation = (true, FindSpeakingOrganisation());
                }

                return _speakingOrganisation.Value;
            }
        }

        private Attribution? FindSpeakingOrganisation()
        {
            var personal = new HashSet<string>(StringComparer.Ordinal);
            var speaking = new Dictionary<string, (int Count, string Display)>(StringComparer.Ordinal);
            foreach (var unit in Units.Where(u => !u.IsTitleCase))
            {
                var tokens = unit.Tokens;
                for (var i = 1; i < tokens.Count; i++)
                {
                    // "Jane Acme", "President Acme": the name belongs to a person.
                    var after = unit.Text.AsSpan(tokens[i - 1].Start + tokens[i - 1].Length, tokens[i].Start - tokens[i - 1].Start - tokens[i - 1].Length);
                    if (after.IsWhiteSpace() && char.IsUpper(unit.Text[tokens[i].Start])
                        && (char.IsUpper(unit.Text[tokens[i - 1].Start]) && !Lexicon.Aliases.ContainsKey(tokens[i - 1].Text) && !Lexicon.NotNames.Contains(tokens[i - 1].Text) && !Lexicon.IsStop(tokens[i - 1].Text)
                            || Lexicon.Titles.Contains(tokens[i - 1].Text)))
                    {
                        personal.Add(tokens[i].Text);
                    }
                }

                for (var i = 1; i < tokens.Count; i++)
                {
                    var verb = tokens[i].Text;
                    if (!(Lexicon.ReportingVerbs.Contains(verb) && verb is not ("according" or "report" or "reports" or "claim" or "claims") || Lexicon.DenialWords.Contains(verb) && verb.EndsWith("ed", StringComparison.Ordinal) || verb is "denies"))
                    {
                        continue;
                    }

                    // Over an auxiliary or an adverb: "Acme has denied", "Acme then denied", "Acme flatly rejected".
                    var j = i - 1;
                    while (j > 0 && i - j < 3 && (tokens[j].Text is "has" or "have" or "had" or "then" or "also" or "later" or "quickly" || tokens[j].Text.EndsWith("ly", StringComparison.Ordinal)))
                    {
                        j--;
                    }

                    var name = tokens[j].Text;
                    if (ProperNames.Contains(name) && char.IsUpper(unit.Text[tokens[j].Start]) && !Lexicon.Aliases.ContainsKey(name) && !Lexicon.Agencies.ContainsKey(name)
                        && !Lexicon.Titles.Contains(name) && !Lexicon.NotNames.Contains(name))
                    {
                        var seen = speaking.GetValueOrDefault(name);
                        var display = unit.Text.Substring(tokens[j].Start, tokens[j].Length);
                        speaking[name] = (seen.Count + 1, seen.Display ?? (Tokenizer.IsPossessive(display) ? display[..^2] : display));
                    }
                }
            }

            var ranked = speaking.Where(s => !personal.Contains(s.Key)).OrderByDescending(s => s.Value.Count).ToList();
            return ranked.Count == 0 || ranked.Count > 1 && ranked[0].Value.Count < 2 * ranked[1].Value.Count
                ? null
                : new Attribution(ranked[0].Value.Display, AttributionKind.Official, ranked[0].Key);
        }

        /// <summary>The headline repeated as the first line of the text (folding is costly: only sentences of about its length are folded).</summary>
        private static bool IsTitleAgain(string sentence, string title, string foldedTitle) =>
            title.Length > 0 && Math.Abs(sentence.Length - title.Length) <= 4 + title.Length / 10 && TextFolding.Fold(sentence) == foldedTitle;

        /// <summary>"not only X but also Y", "X; Y": two propositions in one sentence become two claims.</summary>
        private static IEnumerable<string> Clauses(string sentence)
        {
            foreach (var joint in ClauseJoints)
            {
                var at = sentence.IndexOf(joint, StringComparison.Ordinal);
                var second = at > 0 ? sentence[(at + joint.Length)..] : "";
                var hasVerb = Tokenizer.Terms(second).Any(w => Lexicon.Predicates.ContainsKey(w) || Lexicon.ReportingVerbs.Contains(w));
                if (at > 0 && sentence[..at].Count(c => c == ' ') >= 4 && second.Count(c => c == ' ') >= 2 && hasVerb)
                {
                    yield return sentence[..at].Trim() + ".";
                    yield return sentence[(at + joint.Length)..].Trim();
                    yield break;
                }
            }

            yield return sentence;
        }

        private static readonly string[] ClauseJoints = [" but is also ", " but also ", " and is also ", " but are also ", "; ", ", but ", ", and "];

        /// <summary>"(Reuters) - The government ...": the credit is not part of the sentence.</summary>
        private static string StripWireCredit(string line)
        {
            var trimmed = line.TrimStart();
            var close = trimmed.IndexOf(')', StringComparison.Ordinal);
            if (!trimmed.StartsWith('(') || close < 2 || close > 40)
            {
                return line;
            }

            var inside = TextFolding.Fold(trimmed[1..close]);
            var rest = trimmed[(close + 1)..].TrimStart();
            return Lexicon.Agencies.ContainsKey(inside) && rest.Length > 0 && rest[0] is '-' or '\u2013' or '\u2014'
                ? rest[1..].TrimStart()
                : line;
        }

        /// <summary>"(AP) —", "(Reuters) -": the article is a wire copy and the agency is its source.</summary>
        private static string? WireCredit(string text)
        {
            var head = TextFolding.Fold(text.Length > 400 ? text[..400] : text);
            foreach (var (name, key) in Lexicon.Agencies)
            {
                if (head.Contains("(" + name + ")", StringComparison.Ordinal) || head.Contains("(" + name + " ", StringComparison.Ordinal))
                {
                    return key;
                }
            }

            return null;
        }

        /// <summary>The agency the article cites most often with a reporting cue (at least once in the headline or twice in all).</summary>
        private static string? RelayedAgency(List<TextUnit> units)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var unit in units)
            {
                var tokens = unit.Tokens;
                for (var i = 0; i < tokens.Count; i++)
                {
                    if (Lexicon.AgencyAt(tokens, i) is { } found)
                    {
                        counts[found.Key] = counts.GetValueOrDefault(found.Key) + (unit.IsHeadline ? 2 : 1);
                    }
                }
            }

            return counts.Where(c => c.Value >= 2).OrderByDescending(c => c.Value).Select(c => c.Key).FirstOrDefault();
        }

        /// <summary>Headlines and sub-headings in Title Case capitalise common words, so names there need confirming elsewhere.</summary>
        private static bool IsTitleCase(string text)
        {
            int words = 0, upper = 0;
            foreach (var range in text.AsSpan().Split(' '))
            {
                var word = text.AsSpan(range);
                if (word.Length >= 3 && char.IsLetter(word[0]))
                {
                    words++;
                    upper += char.IsUpper(word[0]) ? 1 : 0;
                }
            }

            return words >= 3 && upper >= 0.75 * words;
        }
    }
}
