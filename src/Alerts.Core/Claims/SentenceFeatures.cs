using Alerts.Core.Text;

namespace Alerts.Core.Claims;

/// <summary>
/// Everything the extractor reads off one sentence: names, predicates, objects, quantities, polarity,
/// modality and attribution cues, and whether the sentence is a check-worthy claim at all.
/// </summary>
internal sealed record SentenceFeatures
{
    private static readonly HashSet<string> MetaPredicates = new(StringComparer.Ordinal) { "negotiate", "ask", "confirm" };

    public required ClaimExtractor.TextUnit Unit { get; init; }
    public required List<string> Entities { get; init; }
    public required List<string> Predicates { get; init; }
    public required List<string> Objects { get; init; }
    public required IReadOnlyList<Quantity> Quantities { get; init; }
    public Polarity Polarity { get; init; }
    public Modality Modality { get; init; }
    public Attribution? Attribution { get; init; }
    public required List<string> Cues { get; init; }
    public bool PointsBack { get; init; }
    public bool PronounSpeaker { get; init; }
    public Attribution? ReportsPrevious { get; init; }
    public string? DropReason { get; init; }
    /// <summary>The sentence's folded words, space-separated with a space at each end (for whole-word phrase search).</summary>
    public string Folded { get; init; } = " ";
    /// <summary>Every predicate is a participle without an auxiliary or a nominalisation: the sentence describes, it reports no event.</summary>
    public bool OnlyNonFinitePredicates { get; init; }
    /// <summary>The sentence looks ahead (will, expects, plans): a date in it is not history.</summary>
    public bool FutureTense { get; init; }
    public Claim? Claim { get; init; }

    /// <param name="inherited">For the second clause of a sentence ("... but is also seeking a refund"): the first clause's entities, used when it names none.</param>
    public static SentenceFeatures Of(ClaimExtractor.TextUnit unit, ClaimExtractor.ArticleAnalysis article, IReadOnlyList<string>? inherited = null)
    {
        var text = unit.Text;
        var tokens = unit.Tokens;
        var words = new List<string>(tokens.Count);
        foreach (var token in tokens)
        {
            words.Add(token.Text);
        }

        var folded = unit.Folded;
        var cues = new List<string>();

        var nameLike = new bool[tokens.Count];
        for (var i = 0; i < tokens.Count; i++)
        {
            nameLike[i] = IsNameLike(text, tokens, i, unit, article);
        }

        var (entities, spans) = FindEntities(text, tokens, nameLike);
        if (entities.Count == 0 && inherited is not null)
        {
            entities.AddRange(inherited);
        }

        var finite = 0;
        var predicateIndexes = new HashSet<int>();
        var predicates = new List<string>();
        var nominal = new List<string>();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (nameLike[i] || PredicateAt(words, i) is not { } found)
            {
                continue;
            }

            predicateIndexes.Add(i);
            predicateIndexes.Add(found.End);
            if (found.Head == "deny")
            {
                continue;
            }

            // "since its purchase", "the return of": a nominalised predicate usually refers to background, so verbs come first.
            var target = i > 0 && words[i - 1] is "the" or "its" or "their" or "his" or "her" or "a" or "an" or "this" or "that" or "these" or "our" or "such" ? nominal : predicates;
            if (target == predicates && !IsBareParticiple(words, i))
            {
                finite++;
            }

            if (!predicates.Contains(found.Head) && !nominal.Contains(found.Head))
            {
                target.Add(found.Head);
            }
        }

        predicates.AddRange(nominal);
        var objects = new List<string>();
        var prohibition = Lexicon.ProhibitionPhrases.FirstOrDefault(p => Lexicon.ContainsWords(folded, p));

        var polarity = Polarity.Asserted;
        foreach (var phrase in Lexicon.DenialPhrases)
        {
            if (Lexicon.ContainsWords(folded, phrase))
            {
                cues.Add(phrase);
                polarity = Polarity.Denied;
            }
        }

        for (var i = 0; i < words.Count; i++)
        {
            var w = words[i];
            var negation = Lexicon.NegationWords.Contains(w) && !(i + 1 < words.Count && words[i + 1] is "only" or "doubt" or "longer" or "just" or "merely" && w == "not")
                || w.EndsWith("n't", StringComparison.Ordinal) && !(i + 1 < words.Count && words[i + 1] is "just" or "only" or "merely");
            // "patients who weren't", "a study which did not": the negation belongs to a relative clause, not to the claim.
            negation &= !InRelativeClause(words, i);
            if (negation || Lexicon.DenialWords.Contains(w))
            {
                if (!cues.Any(c => c.Contains(w, StringComparison.Ordinal)))
                {
                    cues.Add(w);
                }

                polarity = Polarity.Denied;
            }
        }

        if (prohibition is not null)
        {
            // "X does not have the right to sell": a rule that asserts a ban, not a denial of selling.
            polarity = Polarity.Asserted;
            cues.RemoveAll(c => prohibition.Contains(c, StringComparison.Ordinal));
            cues.Add(prohibition);
            // What is banned is the object of the rule, not a predicate of its own.
            objects.AddRange(predicates.Where(p => p != "ban"));
            predicates.Clear();
            predicates.Add("ban");
        }

        if (folded.Contains(" unchanged ", StringComparison.Ordinal) || folded.Contains(" remains constant ", StringComparison.Ordinal) || folded.Contains(" has not changed ", StringComparison.Ordinal) || folded.Contains(" nothing has changed ", StringComparison.Ordinal))
        {
            // A status quo statement denies a change.
            predicates.Add("change");
        }

        for (var i = 0; i < tokens.Count; i++)
        {
            var w = words[i];
            if (nameLike[i] || predicateIndexes.Contains(i) || w.Length < 3 || w.AsSpan().IndexOfAnyInRange('0', '9') >= 0 || Lexicon.IsStop(w)
                || Lexicon.ReportingVerbs.Contains(w) || Lexicon.Titles.Contains(w) || Lexicon.DenialWords.Contains(w)
                || Lexicon.SpeculativeWords.Contains(w) || Lexicon.Months.ContainsKey(w) || Lexicon.Aliases.ContainsKey(w) || Lexicon.Agencies.ContainsKey(w))
            {
                continue;
            }

            var normal = ClaimTerms.Normalize(w);
            if (!objects.Contains(normal) && !predicates.Contains(normal))
            {
                objects.Add(normal);
            }
        }

        var quantities = QuantityParser.Parse(text, tokens);
        var modality = Modality.Fact;
        var figure = quantities.Any(q => q.Kind != QuantityKind.Date);
        foreach (var phrase in Lexicon.SpeculativePhrases)
        {
            // "is expected to cost 182 million" states an estimate: the figure is checkable.
            if (Lexicon.ContainsWords(folded, phrase) && !(figure && phrase.EndsWith("expected to", StringComparison.Ordinal)))
            {
                cues.Add(phrase);
                modality = Modality.Speculative;
            }
        }

        for (var i = 0; i < words.Count; i++)
        {
            // A denial of rumours is a denial, not a rumour ("called the reports speculation").
            if (polarity == Polarity.Denied && words[i] is "speculation" or "rumors" or "rumours" or "rumor" or "rumour" or "unverified" or "unconfirmed")
            {
                continue;
            }

            // "would" without anyone saying it is a hypothesis ("such a deal would require talks"); after a reporting verb it is reported speech.
            if (words[i] == "would" && !words.Any(w => Lexicon.ReportingVerbs.Contains(w) || Lexicon.DenialWords.Contains(w)) && !Lexicon.AnonymousSources.Any(a => Lexicon.ContainsWords(folded, a)))
            {
                cues.Add("would");
                modality = Modality.Speculative;
            }

            if (Lexicon.SpeculativeWords.Contains(words[i]) && !(words[i] == "may" && (nameLike[i] || i + 1 < words.Count && words[i + 1].AsSpan().IndexOfAnyInRange('0', '9') >= 0)))
            {
                cues.Add(words[i]);
                modality = Modality.Speculative;
            }
        }

        if (modality == Modality.Speculative && Lexicon.EvidenceWords.Any(e => Lexicon.ContainsWords(folded, e)))
        {
            // "A video appears to show X": evidence put cautiously is still reported evidence, not speculation.
            modality = Modality.Reported;
        }

        var (attribution, pronoun, attributionCues, resolved) = Attribute(text, folded, tokens, words, nameLike, spans, article);
        cues.AddRange(attributionCues);
        // An organisation resolved from the article ("denied by the company") is not named as the speaker here: its mention is part of the proposition.
        if (attribution is { Kind: AttributionKind.Official } && entities.Count > 1 && !resolved)
        {
            // The speaker is the source, not part of the proposition ("the ministry denied that ...").
            var speaker = Lexicon.Aliases.GetValueOrDefault(attribution.SourceKey) ?? attribution.SourceKey;
            var mentions = spans.Count(sp => (sp.Alias ? Lexicon.Aliases[sp.Key] : sp.Key.Split(' ')[^1]) == speaker);
            if (mentions == 1)
            {
                entities.Remove(speaker);
            }
        }
        if (modality == Modality.Fact && (attribution is not null || Lexicon.ReportedPhrases.Any(p => Lexicon.ContainsWords(folded, p)) || folded.Contains(" reportedly ", StringComparison.Ordinal)))
        {
            modality = Modality.Reported;
        }

        var reportsPrevious = folded.StartsWith(" this was reported", StringComparison.Ordinal) || folded.StartsWith(" this was first reported", StringComparison.Ordinal)
            ? attribution
            : null;
        var pointsBack = polarity == Polarity.Denied
            && (Lexicon.BackReferences.Any(r => Lexicon.ContainsWords(folded, r))
                || predicates.All(MetaPredicates.Contains) && cues.Any(c => c is "was not discussed" or "were not discussed" or "did not include" or "not a matter of discussion" || Lexicon.DenialWords.Contains(c)));

        return new SentenceFeatures
        {
            Unit = unit,
            Entities = entities,
            Predicates = predicates,
            Objects = objects,
            Quantities = quantities,
            Polarity = polarity,
            Modality = modality,
            Attribution = attribution,
            Cues = cues.Distinct(StringComparer.Ordinal).ToList(),
            PointsBack = pointsBack,
            PronounSpeaker = pronoun,
            ReportsPrevious = reportsPrevious,
            DropReason = FindDropReason(unit, folded, words.Count, entities, predicates, quantities, polarity, pointsBack),
            Folded = folded,
            OnlyNonFinitePredicates = predicates.Count > 0 && finite == 0 && prohibition is null,
            FutureTense = words.Any(Lexicon.FutureWords.Contains),
        };
    }

    /// <summary>An amount, count, percent or duration: checkable even when the sentence names no one.</summary>
    private bool HasFigure => Quantities.Any(q => q.Kind != QuantityKind.Date);

    /// <summary>The claim this sentence makes, or null when it is not check-worthy.</summary>
    /// <param name="signatures">The signatures of <paramref name="earlier"/>, filled as needed and kept for the next sentence.</param>
    public Claim? ToClaim(ArticleInput article, Attribution attribution, IReadOnlyList<Claim> earlier, List<ClaimSignature> signatures)
    {
        if (DropReason is not null)
        {
            return null;
        }

        // The outlet's own speculation ("might consider", "could lead to") is analysis, not a claim; but a figure,
        // even hedged ("could cost more than 230 million"), can contradict a known one.
        if (Modality == Modality.Speculative && attribution.Kind == AttributionKind.Outlet && !HasFigure)
        {
            return null;
        }

        var entities = Entities;
        var predicates = Predicates;
        var objects = Objects;
        string? refersTo = null;
        if (PointsBack && earlier.Count > 0)
        {
            var own = new ClaimSignature(Entities, Predicates, Objects, Quantities);
            while (signatures.Count < earlier.Count)
            {
                signatures.Add(ClaimSignature.Of(earlier[signatures.Count]));
            }

            var referent = earlier
                .Select((c, k) => (Claim: c, Score: ClaimSimilarity.Compare(own, signatures[k]).Score
                    + (c.Polarity == Polarity.Asserted ? 0.2 : 0)
                    + (c.PredicateTerms.Any(p => !MetaPredicates.Contains(p)) ? 0.3 : 0)))
                .OrderByDescending(x => x.Score)
                .ThenByDescending(x => x.Claim.SentenceIndex)
                .First();
            var target = referent.Score > 0.5 ? referent.Claim : earlier.FirstOrDefault(c => c.IsHeadline) ?? referent.Claim;
            refersTo = target.Key;
            entities = target.Entities.Union(Entities).ToList();
            predicates = target.PredicateTerms.Union(Predicates.Where(p => !MetaPredicates.Contains(p))).ToList();
            objects = target.ObjectTerms.ToList();
        }
        else if (Entities.Count == 0 && !HasFigure)
        {
            return null;
        }

        return new Claim
        {
            Key = $"{article.Key}#{Unit.Index}",
            ArticleKey = article.Key,
            SentenceIndex = Unit.Index,
            Text = Unit.Sentence ?? Unit.Text,
            IsHeadline = Unit.IsHeadline,
            Entities = entities,
            PredicateTerms = predicates,
            ObjectTerms = objects,
            Quantities = Quantities,
            Polarity = Polarity,
            Modality = Modality == Modality.Fact && attribution.Kind != AttributionKind.Outlet ? Modality.Reported : Modality,
            Attribution = attribution,
            Cues = Cues,
            RefersTo = refersTo,
            Published = article.Published,
            Outlet = article.Outlet,
            Url = article.Url,
        };
    }

    private static string? FindDropReason(ClaimExtractor.TextUnit unit, string folded, int wordCount, List<string> entities, List<string> predicates, IReadOnlyList<Quantity> quantities, Polarity polarity, bool pointsBack)
    {
        if (Lexicon.PaddedTeaserStarts.Any(t => folded.StartsWith(t, StringComparison.Ordinal)))
        {
            return "teaser";
        }

        // "- Cost of the plant: $2 billion": a fact box sums up the background in label: value lines.
        var trimmed = unit.Text.TrimStart();
        var colon = trimmed.IndexOf(':', StringComparison.Ordinal);
        if (trimmed.Length > 2 && trimmed[0] is '-' or '\u2022' or '*' && trimmed[1] == ' ' && colon > 0 && trimmed[..colon].Count(c => c == ' ') <= 6)
        {
            return "fact box";
        }

        if (unit.Text.TrimEnd().TrimEnd('"', '\u201d', '\u2019', '\'', ')').EndsWith('?'))
        {
            return "question";
        }

        if (Lexicon.PaddedNonClaimPhrases.Any(p => folded.Contains(p, StringComparison.Ordinal)))
        {
            return "boilerplate";
        }

        if (Lexicon.OpinionPhrases.Any(p => Lexicon.ContainsWords(folded, p)))
        {
            return "opinion";
        }

        if (!unit.IsHeadline && unit.IsTitleCase && !unit.Text.TrimEnd().EndsWith('.'))
        {
            return "heading";
        }

        if (wordCount < (unit.IsHeadline || unit.ContinuesPrevious ? 3 : 4))
        {
            return "too short";
        }

        if (entities.Count == 0 && !pointsBack && !quantities.Any(q => q.Kind != QuantityKind.Date))
        {
            return "no named entity";
        }

        // A date alone ("As the agency reported, the company in Feb") checks nothing.
        return predicates.Count == 0 && quantities.All(q => q.Kind == QuantityKind.Date) && polarity == Polarity.Asserted
            ? "nothing checkable"
            : null;
    }

    private static bool IsNameLike(string text, List<Token> tokens, int i, ClaimExtractor.TextUnit unit, ClaimExtractor.ArticleAnalysis article)
    {
        var raw = text.AsSpan(tokens[i].Start, tokens[i].Length);
        var w = tokens[i].Text;
        if (char.IsLetter(raw[0]) && raw.IndexOfAnyInRange('0', '9') > 0)
        {
            return true;
        }

        if (!char.IsUpper(raw[0]) || Lexicon.NotNames.Contains(w) && raw is not "US" || Lexicon.Titles.Contains(w) || Lexicon.Agencies.ContainsKey(w))
        {
            return false;
        }

        // "NZ$54,000", "HK$": letters glued to a currency sign say which dollar, not who.
        var after = tokens[i].Start + tokens[i].Length;
        if (after < text.Length && text[after] == '$')
        {
            return false;
        }

        // "on his Instagram account": where someone posted is a medium, not a party to the claim.
        if (i > 0 && tokens[i - 1].Text is "his" or "her" or "its" or "their" or "our" or "my"
            && i + 1 < tokens.Count && tokens[i + 1].Text is "account" or "page" or "feed" or "channel" or "profile" or "story" or "stories" or "website" or "blog")
        {
            return false;
        }

        // "WHAT HAPPENED: A report from AFP ...": a layout label in capitals before a colon opens the sentence; it names no one.
        if (IsLayoutLabel(text, tokens, i))
        {
            return false;
        }

        if (w is "us" or "un" or "eu")
        {
            return raw is "US" or "UN" or "EU";
        }

        if (article.ProperNames.Contains(w) || Lexicon.Aliases.ContainsKey(w))
        {
            return true;
        }

        // A capitalised sentence opener is a name when the article never writes it in lower case and it is no common word.
        var opener = tokens[i].Position == 0 || IsAfterOpening(text, tokens[i].Start);
        if (unit.IsHeadline || unit.IsTitleCase)
        {
            return false;
        }

        // "Global shopping giant Acme denied": an opener followed by lower-case words and then a name describes that name.
        if (opener && i + 2 < tokens.Count && IsLowerWord(text, tokens[i + 1]) && !Lexicon.IsStop(tokens[i + 1].Text)
            && !Lexicon.Predicates.ContainsKey(tokens[i + 1].Text) && !Lexicon.ReportingVerbs.Contains(tokens[i + 1].Text) && !Lexicon.DenialWords.Contains(tokens[i + 1].Text)
            && Enumerable.Range(i + 2, Math.Min(2, tokens.Count - i - 2)).Any(k => char.IsUpper(text[tokens[k].Start]) && article.ProperNames.Contains(tokens[k].Text)))
        {
            return false;
        }

        // "Specifically, ...", "Initially ...": an adverb opening the sentence is no name.
        return !opener || !article.LowerWords.Contains(w) && !Lexicon.IsStop(w) && !Lexicon.Predicates.ContainsKey(w)
            && !(w.EndsWith("ly", StringComparison.Ordinal) && w.Length > 4 && text.AsSpan(tokens[i].Start + tokens[i].Length).TrimStart().StartsWith(","))
            && !Lexicon.ReportingVerbs.Contains(w) && !Lexicon.DenialWords.Contains(w) && !Lexicon.SpeculativeWords.Contains(w)
            && !Lexicon.TeaserStarts.Any(t => t.StartsWith(w, StringComparison.Ordinal));
    }

    private static bool IsLowerWord(string text, Token token) => char.IsLower(text[token.Start]);

    /// <summary>True when the token belongs to a run of words in capitals that opens the sentence and ends in a colon.</summary>
    private static bool IsLayoutLabel(string text, List<Token> tokens, int i)
    {
        static bool Capitals(string text, Token token) => token.Length > 1 && text.AsSpan(token.Start, token.Length).IndexOfAnyInRange('a', 'z') < 0;
        if (!Capitals(text, tokens[i]) || i > 3 || !Enumerable.Range(0, i).All(k => Capitals(text, tokens[k])))
        {
            return false;
        }

        var end = i;
        while (end + 1 < tokens.Count && end < 4 && Capitals(text, tokens[end + 1]))
        {
            end++;
        }

        var next = tokens[end].Start + tokens[end].Length;
        return next < text.Length && text[next] == ':';
    }

    /// <summary>True when the word at <paramref name="i"/> follows a relative pronoun closely ("who weren't", "which the minister did not").</summary>
    private static bool InRelativeClause(List<string> words, int i)
    {
        // Back over the clause's subject ("which the prime minister did not attend"), but not past a verb of saying:
        // in "who said the deal was not signed" the negation is what was said.
        for (var j = i - 1; j >= Math.Max(0, i - 5); j--)
        {
            if (words[j] is "who" or "whom" or "whose" or "which")
            {
                return true;
            }

            if (words[j] == "that" || Lexicon.ReportingVerbs.Contains(words[j]))
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>A word after an opening quote, colon or dash is capitalised for the sentence, not as a name.</summary>
    private static bool IsAfterOpening(string text, int start)
    {
        var j = start - 1;
        while (j >= 0 && text[j] == ' ')
        {
            j--;
        }

        return j >= 0 && text[j] is '"' or '\u201c' or ':' or '-' or '\u2013' or '\u2014' or '(';
    }

    /// <summary>Entity keys and the token spans they came from. Aliases fold demonyms and capitals onto countries; other names are keyed by their last word (Jean-Luc Martin = Martin).</summary>
    private static (List<string> Keys, List<(int Start, int End, string Key, bool Alias)> Spans) FindEntities(string text, List<Token> tokens, bool[] nameLike)
    {
        var keys = new List<string>();
        var spans = new List<(int, int, string, bool)>();
        var i = 0;
        while (i < tokens.Count)
        {
            if (!nameLike[i])
            {
                i++;
                continue;
            }

            var start = i;
            while (i + 1 < tokens.Count && OnlySpaceBetween(text, tokens[i], tokens[i + 1])
                && (nameLike[i + 1] || tokens[i + 1].Text == "of" && i + 2 < tokens.Count && nameLike[i + 2] && !Lexicon.Aliases.ContainsKey(tokens[i + 2].Text)))
            {
                i++;
            }

            var words = tokens.Skip(start).Take(i - start + 1).Select(t => t.Text).ToList();
            var phrase = string.Join(' ', words);
            if (Lexicon.Agencies.ContainsKey(phrase))
            {
                i++;
                continue;
            }

            // "Jordan Karem", "Israel Katz": a country's name before a surname is a first name, not the country.
            var personal = words.Count == 2 && Lexicon.Aliases.ContainsKey(words[0]) && !Lexicon.Aliases.ContainsKey(words[1])
                && !Lexicon.Titles.Contains(words[1]) && !Lexicon.Institutions.Contains(words[1]) && !Lexicon.OrganisationWords.Contains(words[1]);
            var rest = personal ? new List<string>(words) : [];
            for (var k = personal ? words.Count : 0; k < words.Count;)
            {
                var matched = false;
                for (var n = Math.Min(3, words.Count - k); n >= 1; n--)
                {
                    var candidate = string.Join(' ', words.Skip(k).Take(n));
                    if (Lexicon.Aliases.TryGetValue(candidate, out var alias) && (candidate is not ("us" or "un" or "eu") || char.IsUpper(text[tokens[start + k].Start + 1])))
                    {
                        Add(keys, alias);
                        spans.Add((start + k, start + k + n - 1, candidate, true));
                        k += n;
                        matched = true;
                        break;
                    }
                }

                if (matched)
                {
                    continue;
                }

                if (words[k].AsSpan().IndexOfAnyInRange('0', '9') >= 0)
                {
                    Add(keys, words[k]);
                    spans.Add((start + k, start + k, words[k], false));
                }
                else if (words[k] != "of")
                {
                    rest.Add(words[k]);
                }

                k++;
            }

            // "Acme Industries", "Riverside United": the generic word does not tell organisations apart.
            while (rest.Count > 1 && Lexicon.OrganisationWords.Contains(rest[^1]))
            {
                rest.RemoveAt(rest.Count - 1);
            }

            if (rest.Count > 0)
            {
                Add(keys, rest[^1]);
                spans.Add((start, i, string.Join(' ', rest), false));
            }

            i++;
        }

        return (keys, spans);
    }

    /// <summary>Names run on across spaces only: "Republic,” Martin" is two names.</summary>
    private static bool OnlySpaceBetween(string text, Token left, Token right)
    {
        for (var k = left.Start + left.Length; k < right.Start; k++)
        {
            if (!char.IsWhiteSpace(text[k]))
            {
                return false;
            }
        }

        return true;
    }

    private static void Add(List<string> keys, string key)
    {
        if (!keys.Contains(key))
        {
            keys.Add(key);
        }
    }

    /// <summary>The synonym-set head of the predicate at <paramref name="i"/>, trying "verb ... particle" first.</summary>
    private static (string Head, int End)? PredicateAt(List<string> words, int i)
    {
        // "lost their lives", "losing his life": the idiom says died, not a lost match or vote.
        if (Lexicon.Predicates.GetValueOrDefault(words[i]) == "lose")
        {
            for (var k = 1; k <= 2 && i + k < words.Count; k++)
            {
                if (words[i + k] is "life" or "lives")
                {
                    return ("kill", i + k);
                }
            }
        }

        for (var k = 1; k <= 3 && i + k < words.Count; k++)
        {
            if (Lexicon.Particles.Contains(words[i + k]) && Lexicon.Predicates.TryGetValue(words[i] + " " + words[i + k], out var phrasal))
            {
                return (phrasal, i + k);
            }
        }

        return Lexicon.Predicates.TryGetValue(words[i], out var head) ? (head, i) : null;
    }

    /// <summary>
    /// Who makes the claim (see <see cref="FindSpeaker"/>), with "the company" read as the organisation the article has
    /// speaking when it has exactly one; <c>Resolved</c> is set then, as the speaker is not named in the sentence.
    /// </summary>
    private static (Attribution? Attribution, bool Pronoun, List<string> Cues, bool Resolved) Attribute(
        string text, string folded, List<Token> tokens, List<string> words, bool[] nameLike, List<(int Start, int End, string Key, bool Alias)> spans,
        ClaimExtractor.ArticleAnalysis article)
    {
        var (attribution, pronoun, cues) = FindSpeaker(text, folded, tokens, words, nameLike, spans, article);
        if (attribution is not { Kind: AttributionKind.Official } || article.SpeakingOrganisation is not { } organisation)
        {
            return (attribution, pronoun, cues, false);
        }

        foreach (var role in (string[])["the company", "the firm"])
        {
            if (attribution.Source.Equals(role, StringComparison.OrdinalIgnoreCase))
            {
                return (organisation, pronoun, cues, true);
            }

            // "spokesperson for the company" = "spokesperson for Acme", speaking for Acme.
            if (attribution.Source.EndsWith(" " + role, StringComparison.OrdinalIgnoreCase))
            {
                return (new Attribution(attribution.Source[..^role.Length] + organisation.Source, AttributionKind.Official, organisation.SourceKey), pronoun, cues, true);
            }
        }

        return (attribution, pronoun, cues, false);
    }

    /// <summary>Who makes the claim, from the sentence alone: a cited agency, "according to X", the agent of a passive ("denied by X"), or the subject of a reporting or denial verb.</summary>
    private static (Attribution? Attribution, bool Pronoun, List<string> Cues) FindSpeaker(
        string text, string folded, List<Token> tokens, List<string> words, bool[] nameLike, List<(int Start, int End, string Key, bool Alias)> spans,
        ClaimExtractor.ArticleAnalysis article)
    {
        var cues = new List<string>();
        // Words inside quotation marks are what a speaker says: no name or verb there tells who speaks.
        var quoted = Quoted(text, tokens);
        var verb = SpeechVerb(words, nameLike, quoted);
        (int Index, string Name, string Key)? agency = null;
        for (var i = 0; i < tokens.Count && agency is null; i++)
        {
            if (!quoted[i] && Lexicon.AgencyAt(tokens, i) is { } named)
            {
                agency = (i, named.Name, named.Key);
            }
        }

        var anonymous = Lexicon.AnonymousSources.FirstOrDefault(a => Lexicon.ContainsWords(folded, a) && IsSourcePosition(words, quoted, a, verb));
        Attribution? cited = null;
        if (agency is { } found)
        {
            cues.Add(found.Name);
            cited = new Attribution(Display(found.Name), AttributionKind.CitedSource, found.Key);
            var before = found.Index > 0 ? words[found.Index - 1] : "";
            var verbNear = Enumerable.Range(found.Index + 1, Math.Max(0, Math.Min(3, words.Count - found.Index - 1))).Any(k => Lexicon.ReportingVerbs.Contains(words[k]))
                || found.Index == 0;
            // "after the Reuters report": the agency names a report here, it does not make the claim.
            if (IsDeterminer(before))
            {
                cited = null;
                verbNear = false;
            }

            // "a spokesperson told Reuters", "said in a statement to CNN": the agency is told, the one telling speaks.
            // ("according to Reuters" and "Reuters reported" still credit the agency.)
            var told = before is "told" || before is "to" && found.Index > 1 && words[found.Index - 2] != "according"
                || before is "with" && found.Index > 1 && words[found.Index - 2] is "interview" or "interviews";
            if (told && anonymous is not null)
            {
                // "a source with knowledge of the talks told AFP", "Speaking to AFP, a source said": the agency relays an unnamed source.
                cues.Add(anonymous);
                return (new Attribution(Display(found.Name) + " (unnamed sources)", AttributionKind.CitedSource, found.Key), false, cues);
            }

            if (!told && (verbNear || before is "to" or "citing" || anonymous is not null))
            {
                return (cited, false, cues);
            }
        }
        else if (anonymous is not null)
        {
            cues.Add(anonymous);
            var via = article.OutletAttribution.Via;
            return (new Attribution(via is null ? "unnamed sources" : Display(via) + " (unnamed sources)", AttributionKind.CitedSource, via ?? "anonymous:" + article.OutletAttribution.SourceKey), false, cues);
        }

        if (verb < 0)
        {
            // "He called the reports baseless": no verb of saying, but the pronoun still points at the last speaker.
            return (cited, cited is null && words.Count > 2 && words[0] is "he" or "she", cues);
        }

        cues.Add(words[verb]);
        if (words[verb] == "according" && verb + 2 < words.Count)
        {
            var after = spans.FirstOrDefault(s => s.Start > verb && s.Start <= verb + 3);
            var outletName = " " + TextFolding.Fold(article.OutletAttribution.Source) + " ";
            return after.Key is null || outletName.Contains(" " + after.Key.Split(' ')[^1] + " ", StringComparison.Ordinal)
                ? (cited, false, cues)
                : (Institution(text, tokens, words, nameLike, after, spans) ?? Official(text, tokens, after, spans), false, cues);
        }

        // "has been denied by the company", "was dismissed by Norland's navy": the agent after "by" speaks, not a name before the verb.
        if (verb + 2 < words.Count && words[verb + 1] == "by" && !quoted[verb + 2])
        {
            return (Agent(text, tokens, words, nameLike, spans, verb + 2, agency, cited), false, cues);
        }

        if (verb > 0 && words[verb - 1] is "he" or "she" || verb > 1 && words[verb - 2] is "he" or "she")
        {
            return (null, true, cues);
        }

        // "..., officials in Washington have said", "Speaking to reporters, the agency's president said": when the
        // clause between the last comma and the verb names a role, that role speaks, not a name before the comma.
        var clause = FirstAfterLastComma(text, tokens, verb);
        var clauseRole = clause > 0 && verb - clause <= 6 ? RolePhrase(text, tokens, words, clause, verb - 1) : null;

        // "Orvane is in talks to buy Velmar, claims a Digital Trends report": a verb after a comma with a short phrase to the
        // sentence's end is an inverted reporting clause, and its speaker is in that phrase, not the name before the comma.
        if (verb > 0 && !quoted[verb] && CommaBetween(text, tokens[verb - 1], tokens[verb]) && words.Count - verb - 1 is > 0 and <= 6
            && spans.FirstOrDefault(sp => sp.Start > verb && !quoted[sp.Start]) is { Key: not null } inverted)
        {
            return (Official(text, tokens, inverted, spans), false, cues);
        }

        // The subject: the nearest name before the verb, with no "that" in between; or a titled role ("a senior diplomat").
        for (var s = spans.Count - 1; s >= 0; s--)
        {
            var span = spans[s];
            if (span.End >= verb || verb - span.End > 12 || quoted[span.Start])
            {
                continue;
            }

            if (clauseRole is not null && span.End < clause)
            {
                return (clauseRole, false, cues);
            }

            var between = Enumerable.Range(span.End + 1, verb - span.End - 1).Where(k => !quoted[k]).Select(k => words[k]).ToList();
            if (between.Contains("that"))
            {
                break;
            }

            // A name after a preposition ("ambassador to France") or after "citing" (the subject's own source) is not the subject.
            if (span.Start > 0 && words[span.Start - 1] is "to" or "of" or "from" or "in" or "with" or "at" or "for" or "against" or "on" or "citing")
            {
                continue;
            }

            // "A senior French diplomat said", "Turkey's defence ministry denied": the role is the source, the name
            // only qualifies it; the role runs to its last title or institution word.
            var role = between.FindLastIndex(IsRoleWord);
            if (role >= 0 && span.Alias && RolePhrase(text, tokens, words, span.Start, span.End + 1 + role) is { } qualified)
            {
                return (qualified, false, cues);
            }

            return (Official(text, tokens, span, spans), false, cues);
        }

        if (clauseRole is not null)
        {
            return (clauseRole, false, cues);
        }

        var titleIndex = Enumerable.Range(0, verb).LastOrDefault(k => !quoted[k] && IsRoleWord(words[k]), -1);
        if (titleIndex >= 0 && verb - titleIndex <= 3)
        {
            // Back from the title over its modifiers ("Turkey's defence industry agency"), to a determiner, a preposition or a comma.
            var start = titleIndex;
            while (start > 0 && titleIndex - start < 4 && !CommaBetween(text, tokens[start - 1], tokens[start])
                && (words[start - 1] == "s" || !Lexicon.IsStop(words[start - 1])) && !words[start - 1].EndsWith("ly", StringComparison.Ordinal))
            {
                start--;
            }

            if (RolePhrase(text, tokens, words, start, titleIndex) is { } role)
            {
                return (role, false, cues);
            }
        }

        // "“This is false,” tweeted Jordan Karem": the speaker named right after the verb, as quotes often end.
        if (cited is null && spans.FirstOrDefault(sp => sp.Start > verb && sp.Start <= verb + 2 && !quoted[sp.Start]) is { Key: not null } speaker
            && words.Skip(verb + 1).Take(speaker.Start - verb - 1).All(w => Lexicon.Titles.Contains(w) || IsDeterminer(w)))
        {
            return (Official(text, tokens, speaker, spans), false, cues);
        }

        return (cited, false, cues);
    }

    /// <summary>The first verb of saying or denying outside quotation marks; -1 when there is none.</summary>
    private static int SpeechVerb(List<string> words, bool[] nameLike, bool[] quoted)
    {
        for (var i = 0; i < words.Count; i++)
        {
            if (nameLike[i] || quoted[i])
            {
                continue;
            }

            // "the Reuters report", "these claims": a noun, not a verb of saying.
            // "investigate claims of a party": followed by "of", it is a noun too; and opening the sentence ("Claims that ... were denied").
            if (words[i] is "report" or "reports" or "claim" or "claims" && (i == 0 || IsDeterminer(words[i - 1]) || i > 1 && IsDeterminer(words[i - 2]) || i + 1 < words.Count && words[i + 1] == "of"))
            {
                continue;
            }

            if (Lexicon.ReportingVerbs.Contains(words[i]) || Lexicon.DenialWords.Contains(words[i]) && words[i] is not ("unchanged" or "false" or "baseless" or "untrue" or "unfounded"))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// For each token, whether it stands between a pair of quotation marks (curly or straight). An opening mark
    /// that is never closed quotes nothing: a paragraph-long quote left open must not hide its speaker.
    /// </summary>
    private static bool[] Quoted(string text, List<Token> tokens)
    {
        var quoted = new bool[tokens.Count];
        var open = -1;
        var k = 0;
        for (var c = 0; c < text.Length; c++)
        {
            var mark = text[c];
            if (mark == '\u201c' || mark == '"' && open < 0)
            {
                open = c;
            }
            else if ((mark == '\u201d' || mark == '"') && open >= 0)
            {
                while (k < tokens.Count && tokens[k].Start < c)
                {
                    quoted[k] = tokens[k].Start > open;
                    k++;
                }

                open = -1;
            }
        }

        return quoted;
    }

    /// <summary>The first unquoted position of <paramref name="phrase"/> (folded words) in the sentence; -1 when absent.</summary>
    private static int PhraseIndex(List<string> words, bool[] quoted, string phrase)
    {
        var parts = phrase.Split(' ');
        for (var i = 0; i + parts.Length <= words.Count; i++)
        {
            var k = 0;
            while (k < parts.Length && words[i + k] == parts[k])
            {
                k++;
            }

            if (k == parts.Length && !quoted[i])
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// An unnamed source ("people familiar", "the article") speaks when it stands before the verb of saying or right after
    /// "according to", "citing" or "by"; after the verb it is what the speaker talks about ("said that the article is untrue").
    /// </summary>
    private static bool IsSourcePosition(List<string> words, bool[] quoted, string phrase, int verb)
    {
        var at = PhraseIndex(words, quoted, phrase);
        return at >= 0 && (verb < 0 || at < verb || at > 0 && words[at - 1] is "to" or "citing" or "by" or "from");
    }

    /// <summary>
    /// The agent of a passive verb of saying, from <paramref name="from"/> (just after "by"): an agency, a name, a role
    /// ("a senior government minister"), or "the company".
    /// </summary>
    private static Attribution? Agent(
        string text, List<Token> tokens, List<string> words, bool[] nameLike, List<(int Start, int End, string Key, bool Alias)> spans,
        int from, (int Index, string Name, string Key)? agency, Attribution? cited)
    {
        // The noun phrase runs to a comma, a clause word or the end.
        var to = from;
        while (to + 1 < words.Count && to + 1 - from < 8 && !CommaBetween(text, tokens[to], tokens[to + 1])
            && words[to + 1] is not ("that" or "who" or "which" or "to" or "on" or "in" or "at" or "after" or "before" or "when" or "as" or "and" or "but" or "while" or "because"))
        {
            to++;
        }

        // "by Reuters", "by the agency Reuters"; not "by officials to the Washington Post".
        if (agency is { } found && found.Index >= from && found.Index <= to && !Enumerable.Range(from, found.Index - from).Any(k => IsRoleWord(words[k]) && words[k] != "agency"))
        {
            return cited;
        }

        // "the company" as written (Attribute reads it as the organisation the article has speaking).
        var head = string.Join(' ', Enumerable.Range(from, to - from + 1).Select(k => words[k]).Where(w => !Lexicon.IsStop(w)));
        if (head is "company" or "firm")
        {
            return new Attribution("the " + head, AttributionKind.Official, head);
        }

        // A name after its title ("Defence Minister Anna Kovac") speaks; a name before a role only qualifies it ("a senior Norland government minister").
        var role = Enumerable.Range(from, to - from + 1).LastOrDefault(k => IsRoleWord(words[k]), -1);
        var span = spans.FirstOrDefault(s => s.Start >= from && s.Start <= to);
        if (span.Key is not null && (role < 0 || span.Start > role))
        {
            return Institution(text, tokens, words, nameLike, span, spans) ?? Official(text, tokens, span, spans);
        }

        if (role < 0 || RolePhrase(text, tokens, words, from, role) is not { } phrase)
        {
            return null;
        }

        // "the ministry" reads as a role; "ministry" alone does not.
        return words[from] == "the" && phrase.SourceKey.Split(' ').Length == 1 ? phrase with { Source = "the " + phrase.Source } : phrase;
    }

    /// <summary>
    /// "Norland's State Coast Guard", "Norland's defence ministry": a country in the possessive and the institution
    /// after it are one source, shown whole and keyed like the institution named alone; null when no institution follows.
    /// </summary>
    private static Attribution? Institution(
        string text, List<Token> tokens, List<string> words, bool[] nameLike, (int Start, int End, string Key, bool Alias) span,
        List<(int Start, int End, string Key, bool Alias)> spans)
    {
        var raw = text.AsSpan(tokens[span.End].Start, tokens[span.End].Length);
        if (!span.Alias || !Tokenizer.IsPossessive(raw))
        {
            return null;
        }

        var end = -1;
        var named = -1;
        for (var k = span.End + 1; k < tokens.Count && k - span.End <= 5 && OnlySpaceBetween(text, tokens[k - 1], tokens[k]) && !Lexicon.IsStop(words[k]); k++)
        {
            if (nameLike[k] && !Lexicon.OrganisationWords.Contains(words[k]))
            {
                named = k;
            }

            if (nameLike[k] || IsRoleWord(words[k]))
            {
                end = k;
            }
        }

        if (end < 0)
        {
            return null;
        }

        // "Norland's defence ministry" reads as the role does when it is the subject ("Norland's defence ministry denied").
        if (named < 0)
        {
            return RolePhrase(text, tokens, words, span.Start, end);
        }

        // Keyed as the institution's own name is when named alone ("the State Coast Guard Service of Norland" = "guard").
        var key = spans.FirstOrDefault(s => s.Start <= named && s.End >= named && !s.Alias).Key?.Split(' ')[^1] ?? words[named];
        var display = text.Substring(tokens[span.Start].Start, tokens[end].Start + tokens[end].Length - tokens[span.Start].Start);
        return new Attribution(display, AttributionKind.Official, key);
    }

    private static bool IsRoleWord(string word) =>
        (Lexicon.Titles.Contains(word) || Lexicon.Institutions.Contains(word)) && word is not ("state" or "former" or "top" or "senior" or "press" or "foreign" or "defence" or "defense");

    /// <summary>
    /// A role or institution as the source, shown as the text says it ("the agency's president" → "agency's
    /// president") and keyed by its folded content words; null when the words hold no title or institution.
    /// </summary>
    private static Attribution? RolePhrase(string text, List<Token> tokens, List<string> words, int from, int to)
    {
        while (from <= to && (Lexicon.IsStop(words[from]) || words[from] is "senior" or "top" or "former"))
        {
            from++;
        }

        while (to >= from && (Lexicon.IsStop(words[to]) || words[to].EndsWith("ly", StringComparison.Ordinal)))
        {
            to--;
        }

        if (from > to || !Enumerable.Range(from, to - from + 1).Any(k => IsRoleWord(words[k])))
        {
            return null;
        }

        var display = text.Substring(tokens[from].Start, tokens[to].Start + tokens[to].Length - tokens[from].Start);
        var key = string.Join(' ', words.Skip(from).Take(to - from + 1).Where(w => !Lexicon.IsStop(w)));
        return new Attribution(display, AttributionKind.Official, key);
    }

    /// <summary>The first token after the last comma before token <paramref name="verb"/>; -1 when there is no comma.</summary>
    private static int FirstAfterLastComma(string text, List<Token> tokens, int verb)
    {
        for (var k = verb; k > 0; k--)
        {
            if (CommaBetween(text, tokens[k - 1], tokens[k]))
            {
                return k;
            }
        }

        return -1;
    }

    private static bool CommaBetween(string text, Token left, Token right) =>
        text.AsSpan(left.Start + left.Length, right.Start - left.Start - left.Length).Contains(',');

    /// <summary>"by avoiding", "while supplying": an -ing form with no form of "be" before it heads no clause of its own.</summary>
    private static bool IsBareParticiple(List<string> words, int i) =>
        words[i].EndsWith("ing", StringComparison.Ordinal) && words[i].Length > 5
        && !(i > 0 && words[i - 1] is "is" or "are" or "was" or "were" or "be" or "been" or "am" or "s" or "re")
        && !(i > 1 && words[i - 2] is "is" or "are" or "was" or "were" or "be" or "been");

    private static bool IsDeterminer(string word) => word is "the" or "a" or "an" or "this" or "these" or "those" or "such" or "that";

    private static Attribution Official(string text, List<Token> tokens, (int Start, int End, string Key, bool Alias) span, List<(int Start, int End, string Key, bool Alias)> spans)
    {
        var start = span.Start;
        while (start > 0 && Lexicon.Titles.Contains(tokens[start - 1].Text))
        {
            start--;
        }

        // "Ministry spokesman Jan Novak": the institution before the title belongs to the source's name.
        // Not across a quote or a comma: in "the title of \"Hero of Estavia,\" President Ana Ruiz said" the name before is no owner.
        if (start < span.Start && spans.FindIndex(s => s.End == start - 1) is var owner and >= 0 && OnlySpaceBetween(text, tokens[start - 1], tokens[start]))
        {
            start = spans[owner].Start;
        }

        var display = text.Substring(tokens[start].Start, tokens[span.End].Start + tokens[span.End].Length - tokens[start].Start);
        var key = span.Alias ? span.Key : span.Key.Split(' ')[^1];
        if (!Tokenizer.IsPossessive(display))
        {
            return new Attribution(display, AttributionKind.Official, key);
        }

        // "Lionel Messi's father", "Acme's business development head": the possessor is not the speaker, the person
        // after it is; with no such person named, the possessor speaks ("Acme's" alone is no name to show).
        var end = span.End;
        for (var k = span.End + 1; k < Math.Min(tokens.Count, span.End + 4) && OnlySpaceBetween(text, tokens[k - 1], tokens[k]) && char.IsLower(text[tokens[k].Start])
            && !Lexicon.IsStop(tokens[k].Text); k++)
        {
            if (IsRoleWord(tokens[k].Text) || Lexicon.Relatives.Contains(tokens[k].Text))
            {
                end = k;
                break;
            }
        }

        // "WhatsApp's head of business development": the role goes on after "of".
        if (end > span.End && end + 2 < tokens.Count && tokens[end + 1].Text == "of" && OnlySpaceBetween(text, tokens[end], tokens[end + 1]))
        {
            for (var k = end + 2; k < Math.Min(tokens.Count, end + 5) && OnlySpaceBetween(text, tokens[k - 1], tokens[k]) && char.IsLower(text[tokens[k].Start])
                && !Lexicon.IsStop(tokens[k].Text); k++)
            {
                end = k;
            }
        }

        return end == span.End
            ? new Attribution(display[..^2], AttributionKind.Official, key)
            : new Attribution(text.Substring(tokens[start].Start, tokens[end].Start + tokens[end].Length - tokens[start].Start), AttributionKind.Official, key + " " + tokens[end].Text);
    }

    private static string Display(string name) => name.Length <= 4 ? name.ToUpperInvariant() : string.Join(' ', name.Split(' ').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
}
