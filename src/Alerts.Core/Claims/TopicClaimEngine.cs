using System.Text.RegularExpressions;
using Alerts.Core.Claims.Stance;
using Alerts.Core.Text;

namespace Alerts.Core.Claims;

public enum TopicEventType
{
    /// <summary>A claim that starts a cluster.</summary>
    NewClaim,

    /// <summary>Opposite polarity in the same cluster, or a different value for the same quantity.</summary>
    Contradiction,

    /// <summary>The same polarity from an independent source.</summary>
    Corroboration,
}

/// <summary>Why an event was raised: both sentences, cue words, shared entities, the similarity, and the sources and dates on each side.</summary>
public sealed record EventExplanation(
    string Sentence,
    string? OtherSentence,
    IReadOnlyList<string> Cues,
    IReadOnlyList<string> SharedEntities,
    double Similarity,
    string Source,
    DateTimeOffset? Published,
    string? OtherSource,
    DateTimeOffset? OtherPublished,
    string? Note);

/// <summary>An event for a topic: what happened to which cluster, raised by which claim, and why.</summary>
public sealed record TopicEvent(
    TopicEventType Type,
    string TopicId,
    string ClusterId,
    Claim Claim,
    Polarity Polarity,
    Attribution Attribution,
    string Why,
    EventExplanation Explanation)
{
    /// <summary>The article's other claims on the same cluster and side, which this event stands for.</summary>
    public IReadOnlyList<Claim> Merged { get; init; } = [];
}

/// <summary>
/// The terms that put a claim in a topic's scope: the topic's positive query words, folded, with aliases
/// ("Germany" covers "German" and "Berlin") and predicate heads ("cost" covers "paid"), and the prefixes of
/// its wildcards ("tram*" covers "trams" and "tramway"). A claim is in scope when its entities, predicates
/// or objects hold a term or start with a prefix, or when it points back to a claim that is.
/// </summary>
public sealed record TopicScope(IReadOnlySet<string> Terms)
{
    public IReadOnlyList<string> Prefixes { get; init; } = [];

    public static TopicScope Of(params string[] terms) => Of(terms, []);

    public static TopicScope Of(IEnumerable<string> terms, IEnumerable<string> prefixes)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(prefixes);
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var folded in terms.Select(t => TextFolding.Fold(t)))
        {
            set.Add(Lexicon.Aliases.GetValueOrDefault(folded) ?? folded);
            if (Lexicon.Predicates.TryGetValue(folded, out var head))
            {
                set.Add(head);
            }
        }

        return new TopicScope(set) { Prefixes = prefixes.Select(p => TextFolding.Fold(p)).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal).ToList() };
    }

    public bool Covers(Claim claim) => Matches(claim).Any();

    /// <summary>The claim's entities, predicates and objects that put it in scope.</summary>
    public IEnumerable<string> Matches(Claim claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return claim.Entities.Concat(claim.PredicateTerms).Concat(claim.ObjectTerms).Where(Holds);
    }

    private bool Holds(string term)
    {
        if (Terms.Contains(term))
        {
            return true;
        }

        foreach (var prefix in Prefixes)
        {
            if (term.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>The events an article raised and the clusters to persist (new or updated).</summary>
public sealed record TopicProcessResult(IReadOnlyList<TopicEvent> Events, IReadOnlyList<ClaimCluster> Clusters, IReadOnlyList<ClaimAssignment> Assignments);

/// <summary>Which cluster a claim joined and what it amounted to (an event type, or "repeat"/"mention" for none).</summary>
public sealed record ClaimAssignment(string ClaimKey, string ClusterId, string Outcome);

/// <summary>
/// Decides, for one article's claims within one topic, which cluster each claim joins and which events that
/// raises. Pure: it reads clusters through <see cref="IClaimIndex"/> and returns the updated clusters for
/// the caller to store. Rules:
/// <list type="bullet">
/// <item>a claim joins the most similar candidate cluster (entities, predicates and objects agree, polarity aside), else starts one: NewClaim;</item>
/// <item>a different value for the same quantity slot is a Contradiction (noting a revision when the same source changed the figure over time);</item>
/// <item>a source already on the claim's side, an outlet relaying that source, or an outlet restating a known fact in its own voice is a Repeat (no event);</item>
/// <item>a new source on one side while the other side has sources is a Contradiction (a reversal over time when the other side is old);</item>
/// <item>a new independent source on the same side is a Corroboration; speculation only mentions a cluster;</item>
/// <item>per article, one event per cluster and side, the best-attributed claim standing for the others.</item>
/// </list>
/// </summary>
public static partial class TopicClaimEngine
{
    /// <summary>How far apart two figures may be and still be two values of one quantity (see <see cref="Comparable"/>).</summary>
    private const double MaxConflictRatio = 1_000;

    /// <summary>The least similarity for a claim to join a cluster.</summary>
    public const double JoinThreshold = 0.45;

    /// <summary>An opposite side older than this makes a contradiction a reversal over time.</summary>
    public static readonly TimeSpan ReversalAge = TimeSpan.FromDays(90);

    public const int CandidateLimit = 32;

    /// <summary>Embedding cosine at which two sentences state the same proposition in other words (a paraphrase joins the cluster).</summary>
    public const double ParaphraseCosine = 0.55;

    /// <summary>Cosine at which evidence or a confirmation ("a video shows", "did call") meets the denial it answers.</summary>
    public const double ConfirmationCosine = 0.48;

    /// <summary>Below this cosine a rule match (shared entities and predicate) is about something else and does not join.</summary>
    public const double UnrelatedCosine = 0.3;

    /// <summary>Cosine at which a sentence is a copy of a member from an earlier article: known, so no event.</summary>
    public const double CopyCosine = 0.8;

    /// <summary>An article whose in-scope claims are copies of earlier reports at least this often is a rewrite: it raises nothing.</summary>
    public const double RewriteShare = 0.75;

    /// <summary>A denial word ("denied", "rejected") must speak to the disputed sentence at least this closely; a bare negation more closely.</summary>
    public const double DisputeCosine = 0.4;

    public const double NegationCosine = 0.75;

    /// <summary>An assertion against a known denial must restate the denied sentence at least this closely.</summary>
    public const double AssertionCosine = 0.5;

    /// <summary>The least probability of the stance model's Disputes for the article to dispute a cluster's proposition.</summary>
    public const double StanceDisputeProbability = 0.5;

    /// <summary>
    /// The stance of one article towards propositions, from the learned model, each proposition predicted once.
    /// The engine asks it for the clusters the article's claims join.
    /// </summary>
    public static Func<string, StancePrediction> ArticleStance(ArticleInput article, StanceModel model)
    {
        ArgumentNullException.ThrowIfNull(article);
        ArgumentNullException.ThrowIfNull(model);
        var cache = new Dictionary<string, StancePrediction>(StringComparer.Ordinal);
        return proposition => cache.TryGetValue(proposition, out var known) ? known : cache[proposition] = model.Predict(proposition, article.Title, article.Text);
    }

    public static TopicProcessResult Process(
        string topicId, IReadOnlyList<Claim> claims, IClaimIndex index, TopicScope? scope = null, Func<string, StancePrediction>? stance = null)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(index);
        var changed = new Dictionary<string, ClaimCluster>(StringComparer.Ordinal);
        var created = new List<string>();
        var assigned = new Dictionary<string, string>(StringComparer.Ordinal);
        var inScope = new HashSet<string>(StringComparer.Ordinal);
        var pending = new List<TopicEvent>();
        var assignments = new List<ClaimAssignment>();
        var copies = new HashSet<string>(StringComparer.Ordinal);

        var scopedEntities = new HashSet<string>(StringComparer.Ordinal);
        var lastInScope = -2;
        foreach (var stated in claims)
        {
            // "Johnson did not deny it": a denial left unsaid takes no side; it only mentions the claim.
            var claim = stated.Polarity == Polarity.Denied && NonDenials.Any(n => Lexicon.ContainsWords(TextFolding.Fold(stated.Text), n))
                ? stated with { Modality = Modality.Speculative }
                : stated;
            // What a named speaker of the topic says is about the topic ("Subramanian has said growth was overestimated").
            var covered = scope is null || scope.Covers(claim) || claim.RefersTo is not null && inScope.Contains(claim.RefersTo)
                || claim.Attribution.Kind != AttributionKind.Outlet && scope.Terms.Contains(claim.Attribution.SourceKey)
                || Continues(claim, lastInScope, scopedEntities);
            if (!covered)
            {
                continue;
            }

            inScope.Add(claim.Key);
            lastInScope = claim.SentenceIndex;
            scopedEntities.UnionWith(claim.Entities);
            var signature = SignatureIn(claim, scope);

            var (cluster, similarity) = claim.RefersTo is not null && assigned.TryGetValue(claim.RefersTo, out var referred)
                ? (changed[referred], ForcedSimilarity(signature, changed[referred]))
                : BestCluster(topicId, claim, signature, index, changed, created);
            // A sentence that states a figure the cluster does not hold ("agreed to buy it for $4.6 billion" after $4.2 billion)
            // is not a copy however close its wording.
            // The opposite outcome sits on the cluster's disputing side, so its copies are looked for there.
            var side = cluster is not null && claim.Polarity == Polarity.Asserted && Reverses(claim, cluster) is not null ? Polarity.Denied : claim.Polarity;
            if (cluster is not null && !NewFigure(signature, cluster)
                && ClaimEmbeddings.Nearest(claim.Embedding, cluster.Members, m => m.ArticleKey != claim.ArticleKey && m.Polarity == side) >= CopyCosine)
            {
                copies.Add(claim.Key);
            }

            if (cluster is null)
            {
                var fresh = new ClaimCluster($"{topicId}:{claim.Key}", topicId, [Member(claim, signature)], claim.Modality == Modality.Speculative ? [] : [Sighting(claim)]);
                changed[fresh.Id] = fresh;
                created.Add(fresh.Id);
                assigned[claim.Key] = fresh.Id;
                if (claim.Modality == Modality.Speculative)
                {
                    // Speculation opens a cluster silently; the first firm statement of it is the news.
                    assignments.Add(new ClaimAssignment(claim.Key, fresh.Id, "mention"));
                    continue;
                }

                if (DeniesReports(claim) is { } reports)
                {
                    // "Claims that X were denied by Y": the first news of X is its denial. The reports are a new claim
                    // and the denial disputes them, in the same article.
                    // A digest reads "asserted by unattributed claims", not "by claims", as if the word were a speaker; or
                    // whose they are, where the sentence says ("the claims by the former Chief Economic Advisor").
                    var reported = new Attribution(ReportedBy(claim.Text, reports) ?? "unattributed " + reports, AttributionKind.CitedSource, reports);
                    var sighting = Sighting(claim) with { SourceKey = reports, Source = reported.Source, Kind = AttributionKind.CitedSource, Polarity = Polarity.Asserted, Via = null };
                    changed[fresh.Id] = fresh with { Sightings = [sighting, .. fresh.Sightings] };
                    assignments.Add(new ClaimAssignment(claim.Key, fresh.Id, nameof(TopicEventType.Contradiction)));
                    pending.Add(Event(TopicEventType.NewClaim, topicId, fresh.Id, claim, null, SimilarityResult.None, $"a claim not seen before in this topic, known from {reports} that {claim.Attribution.Source} denies")
                        with { Polarity = Polarity.Asserted, Attribution = reported });
                    pending.Add(Event(TopicEventType.Contradiction, topicId, fresh.Id, claim, sighting, SimilarityResult.None, $"{claim.Attribution.Source} denies the {reports}"));
                    continue;
                }

                assignments.Add(new ClaimAssignment(claim.Key, fresh.Id, nameof(TopicEventType.NewClaim)));
                pending.Add(Event(TopicEventType.NewClaim, topicId, fresh.Id, claim, null, SimilarityResult.None, "a claim not seen before in this topic"));
                continue;
            }

            var (type, other, note) = copies.Contains(claim.Key)
                ? (null, null, "repeat: a copy of a known report")
                : Decide(claim, cluster, similarity, stance);
            // Speculation only mentions a cluster: it neither takes a side nor widens what the cluster matches. Nor does a
            // negation that does not speak to the claim ("has never activated them"): a digest would list it as disputing.
            // The opposite outcome ("may still be alive" against "killed") takes this cluster's disputing side, however
            // cautiously put, so that the digest lists its source among those disputing.
            var sided = type is TopicEventType.Contradiction or TopicEventType.Corroboration && side != claim.Polarity ? claim with { Polarity = side } : claim;
            var mentionOnly = claim.Modality == Modality.Speculative && sided == claim
                || claim.Polarity == Polarity.Denied && type is null && note == NotDisputing;
            var updated = cluster with
            {
                Members = cluster.Members.Count < ClaimCluster.MaxMembers && !mentionOnly
                    ? [.. cluster.Members, Member(sided, signature)]
                    : cluster.Members,
                Sightings = mentionOnly ? cluster.Sightings : [.. cluster.Sightings, Sighting(sided)],
            };
            changed[updated.Id] = updated;
            assigned[claim.Key] = updated.Id;
            assignments.Add(new ClaimAssignment(claim.Key, updated.Id, type?.ToString() ?? note ?? "repeat"));
            if (type is { } t)
            {
                pending.Add(Event(t, topicId, updated.Id, sided, other, similarity, note));
            }

            if (type == TopicEventType.Contradiction && StatesFinding(claim, cluster))
            {
                // "The committee found misconduct", "they may still be alive": a dispute that states a finding of its
                // own is also a new claim, which later reports can corroborate or dispute in turn.
                var finding = new ClaimCluster($"{topicId}:{claim.Key}", topicId, [Member(claim, signature)], [Sighting(claim)]);
                changed[finding.Id] = finding;
                created.Add(finding.Id);
                assignments.Add(new ClaimAssignment(claim.Key, finding.Id, nameof(TopicEventType.NewClaim)));
                pending.Add(Event(TopicEventType.NewClaim, topicId, finding.Id, claim, null, SimilarityResult.None, "a new finding, which disputes an earlier claim"));
            }
        }

        var firm = claims.Where(c => inScope.Contains(c.Key) && c.Modality != Modality.Speculative).ToList();
        if (firm.Count >= 2 && copies.Contains(firm[0].Key) && copies.Count >= RewriteShare * firm.Count)
        {
            // The lead and most of what the article says are known: a rewrite of an earlier report. What it adds
            // around the copy (background, a reminder of the figures) is not news of its own; a dispute still is.
            pending.RemoveAll(e => e.Type != TopicEventType.Contradiction);
        }
        else if (assignments.FirstOrDefault(a => !a.Outcome.StartsWith("mention", StringComparison.Ordinal)) is { } lead && IsKnown(lead.Outcome)
            && !pending.Any(e => e.Type == TopicEventType.Contradiction && !created.Contains(e.ClusterId)))
        {
            // News leads (the inverted pyramid): an article whose lead (its first claim that is more than a mention)
            // restates or corroborates what is known, and that disputes no known claim, is a follow-up: the details it
            // adds around the known news (the arguments of a rebuttal, reactions, background) are not news of their
            // own. A figure the topic did not hold still is ("the toll will be 4 euros per car").
            pending.RemoveAll(e => e.Type is TopicEventType.NewClaim or TopicEventType.Contradiction && !StatesUnknownFigure(topicId, e.Claim, scope, index));
        }

        var byCluster = claims.Where(c => assigned.ContainsKey(c.Key)).ToLookup(c => (assigned[c.Key], c.Polarity));
        return new TopicProcessResult(Collapse(pending, byCluster), changed.Values.ToList(), assignments);
    }

    /// <summary>
    /// The claim's signature within a topic, which the engine looks clusters up by: where it names no one, or states a
    /// figure, the topic terms it holds name its subject.
    /// </summary>
    public static ClaimSignature SignatureIn(Claim claim, TopicScope? scope)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var signature = ClaimSignature.Of(claim);
        if (scope is null)
        {
            return signature;
        }

        if (claim.Entities.Count == 0)
        {
            // A figure that names no one ("the line could cost 230 million") is about the topic's subject:
            // the topic terms it holds stand in for its entities.
            var subject = scope.Matches(claim).Distinct(StringComparer.Ordinal).ToList();
            return new ClaimSignature(subject, signature.Predicates, signature.Objects.Where(o => !subject.Contains(o)).ToList(), signature.Quantities, signature.MainPredicate);
        }

        // "The price of bitcoin surged 13%": a figure is about the topic term it holds, written in lower case or not.
        var named = scope.Terms.Where(signature.ObjectSet.Contains).ToList();
        return named.Count > 0 && claim.Quantities.Any(q => q.Kind != QuantityKind.Date)
            ? new ClaimSignature([.. signature.Entities, .. named], signature.Predicates, signature.Objects.Where(o => !named.Contains(o)).ToList(), signature.Quantities, signature.MainPredicate)
            : signature;
    }

    /// <summary>
    /// Whether the claim states a figure (not a date) that no cluster of the topic known before the article holds. Once
    /// one of its figures meets a known one, its others of that kind are other points in time ("up as much as 14.5
    /// percent, before it settled around 6 percent higher"); a sum in another currency than a known sum is most often
    /// that sum converted for the outlet's readers, which the engine, without exchange rates, cannot tell apart.
    /// </summary>
    private static bool StatesUnknownFigure(string topicId, Claim claim, TopicScope? scope, IClaimIndex index)
    {
        // How far or how large a place is ("waters 12 nautical miles from the island") describes the setting.
        var figures = claim.Quantities.Where(q => q.Kind != QuantityKind.Date && !QuantityParser.IsMeasure(q)).ToList();
        if (figures.Count == 0)
        {
            return false;
        }

        var known = index.Candidates(topicId, SignatureIn(claim, scope), CandidateLimit).SelectMany(c => c.Members).SelectMany(m => m.Signature.Quantities).ToList();
        bool Meets(Quantity q) => known.Any(o => o.Kind == q.Kind && o.Unit == q.Unit && Consistent(claim.Text, q, o.Value));
        bool Converted(Quantity q) => q.Kind == QuantityKind.Money
            && known.Any(o => o.Kind == QuantityKind.Money && o.Unit != q.Unit && (o.Counts == q.Counts || o.Counts is null || q.Counts is null));
        return figures.Any(q => !Meets(q) && !Converted(q) && !figures.Any(p => p != q && p.SameSlot(q) && Meets(p)));
    }

    /// <summary>
    /// Whether a figure says nothing beyond a known one: the same value, an approximation close to it ("near
    /// $40,000" beside $39,143), or a lower bound it meets ("more than 10 percent" beside 13%).
    /// </summary>
    private static bool Consistent(string text, Quantity figure, double known)
    {
        var value = Math.Abs(figure.Value);
        var difference = Math.Abs(known - figure.Value);
        return difference <= 0.02 * value
            || Hedged(text, figure) && difference < 0.2 * Math.Max(value, Math.Abs(known))
            || Preceded(text, figure, LowerBounds) && known >= figure.Value && known <= 1.5 * figure.Value;
    }

    /// <summary>
    /// Two figures more than a thousandfold apart are not two estimates of one quantity (a $0.99 app fee beside a
    /// $1 billion sale price); reports that disagree stay well inside that (police and organisers' crowd counts
    /// differ some twentyfold).
    /// </summary>
    private static bool Comparable(double a, double b)
    {
        var (small, large) = Math.Abs(a) <= Math.Abs(b) ? (Math.Abs(a), Math.Abs(b)) : (Math.Abs(b), Math.Abs(a));
        // "No casualties" against "13 killed" is a conflict, however many times larger.
        return small == 0 || large / small <= MaxConflictRatio;
    }

    /// <summary>An outcome that adds nothing to what was known: a repeat, a copy, a corroboration of a known side.</summary>
    private static bool IsKnown(string outcome) =>
        outcome.StartsWith("repeat", StringComparison.Ordinal) || outcome == nameof(TopicEventType.Corroboration);

    /// <summary>
    /// "Halvorsen signed until 2030. The manager said the striker would make his debut.": a named speaker's
    /// statement or a figure right after an in-scope sentence, bringing in no new actor (besides its speaker),
    /// goes on about the same subject. The outlet's own commentary does not.
    /// </summary>
    private static bool Continues(Claim claim, int lastInScope, HashSet<string> scopedEntities) =>
        claim.SentenceIndex == lastInScope + 1 && !claim.IsHeadline
        && (claim.Attribution.Kind == AttributionKind.Official || claim.Quantities.Any(q => q.Kind != QuantityKind.Date))
        && claim.Entities.All(e => e == claim.Attribution.SourceKey || scopedEntities.Contains(e));

    private static (TopicEventType? Type, SourceSighting? Other, string? Note) Decide(
        Claim claim, ClaimCluster cluster, SimilarityResult similarity, Func<string, StancePrediction>? stance)
    {
        var earlier = cluster.Sightings.Where(s => s.ArticleKey != claim.ArticleKey).ToList();
        // A value conflicts when no earlier member agrees with it (a third article repeating the newer figure is not news).
        var agreed = cluster.Members.Where(m => m.ArticleKey != claim.ArticleKey)
            .SelectMany(m => m.Signature.Quantities)
            .ToList();
        var conflicts = similarity.ConflictingQuantities
            .Where(c => !agreed.Any(q => q.SameSlot(c.Left) && Math.Abs(q.Value - c.Left.Value) <= 0.02 * Math.Abs(c.Left.Value)))
            .Where(c => !RoughlyEqual(claim, c.Left, cluster, c.Right))
            // "Hovering in the low $30,000s, it rose near $40,000": once one figure meets the known one, the other is another point in time.
            .Where(c => !claim.Quantities.Any(q => q != c.Left && q.SameSlot(c.Right) && RoughlyEqual(claim, q, cluster, c.Right)))
            .Where(c => Comparable(c.Left.Value, c.Right.Value))
            .ToList();
        if (conflicts.Count > 0)
        {
            var (mine, theirs) = conflicts[0];
            var member = cluster.Members.FirstOrDefault(m => m.Signature.Quantities.Contains(theirs));
            var source = earlier.LastOrDefault(s => s.ClaimKey == member?.ClaimKey) ?? earlier.LastOrDefault();
            // Two figures conflict only when the sentences are about the same thing (a price is not a valuation).
            var about = member is null ? double.NaN : ClaimEmbeddings.Cosine(claim.Embedding, member.Embedding);
            // A period or a rate ("four to six months", "7 per cent") is said of many things: the sentences must say
            // it of the same one. A count needs that or the same predicate; an amount of money less.
            var sameFact = mine.Kind switch
            {
                QuantityKind.Money => about >= ParaphraseCosine || similarity.PredicateScore >= 0.7,
                QuantityKind.Count => about >= 0.7 || similarity.PredicateScore >= 0.7,
                _ => about >= 0.7,
            };
            if (source is not null && source.ArticleKey != claim.ArticleKey && sameFact)
            {
                var sameSource = source.SourceKey == claim.Attribution.SourceKey && claim.Attribution.Kind != AttributionKind.Outlet;
                var note = $"different value for the same quantity: {mine.Text} vs {theirs.Text}"
                    + (sameSource ? $"; both attributed to {claim.Attribution.Source}, differing only by date (a revision)" : "");
                return (TopicEventType.Contradiction, source, note);
            }
        }

        if (Reverses(claim, cluster) is { } reversed && earlier.FirstOrDefault(s => s.Polarity == Polarity.Asserted) is { } asserted
            && (claim.Modality != Modality.Speculative || claim.Attribution.Kind != AttributionKind.Outlet))
        {
            // "Believed to have died ... may still be alive, according to the border guard": the opposite outcome, put
            // even cautiously by a named source, disputes the report; once an earlier article disputed it, it joins that side.
            return KnownDispute(claim, cluster) is { } known
                ? (TopicEventType.Corroboration, known, $"{claim.Attribution.Source} joins {known.Source} in disputing {asserted.Source}: {reversed}")
                : (TopicEventType.Contradiction, asserted, $"{claim.Attribution.Source} says the opposite of {asserted.Source}: {reversed}");
        }

        if (claim.Modality == Modality.Speculative)
        {
            return (null, null, "mention");
        }

        var attribution = claim.Attribution;
        var side = cluster.Side(claim.Polarity).ToList();
        var earlierSide = side.Where(s => s.ArticleKey != claim.ArticleKey).ToList();
        // A source contradicting itself counts when it changed its position in an earlier article (a reversal).
        var opposite = cluster.Side(Opposite(claim.Polarity)).Where(s => s.SourceKey != attribution.SourceKey || s.ArticleKey != claim.ArticleKey).ToList();
        var sameSide = side.Where(s => s.SourceKey == attribution.SourceKey || s.SourceKey == attribution.Via).ToList();
        if (sameSide.Count > 0)
        {
            // An institution's position known from reports, now put on record by its named spokesperson.
            var onRecord = attribution.Kind == AttributionKind.Official && sameSide.Any(s => s.ArticleKey != claim.ArticleKey)
                && sameSide.All(s => attribution.Source.StartsWith(s.Source + " ", StringComparison.Ordinal));
            return onRecord
                ? (TopicEventType.Corroboration, sameSide.First(s => s.ArticleKey != claim.ArticleKey), $"{sameSide[0].Source}'s position, now on record from {attribution.Source}")
                : (null, null, "repeat: same source");
        }

        var confirmsAgainstDenial = opposite.Count > 0 && claim.Polarity == Polarity.Asserted && Confirmation(claim) is not null;
        if (earlierSide.Count > 0 && attribution.Kind == AttributionKind.Outlet && !confirmsAgainstDenial)
        {
            return (null, null, "repeat: restated in the outlet's own voice");
        }

        if (opposite.Count > 0)
        {
            var latest = opposite.OrderBy(s => s.Kind == AttributionKind.Outlet ? 0 : 1).ThenBy(s => s.Published).Last();
            var reversal = latest.Published is { } then && claim.Published is { } now && now - then >= ReversalAge
                ? $"a reversal over time: {Side(latest.Polarity)} on {then:yyyy-MM-dd} by {latest.Source}, {Side(claim.Polarity)} on {now:yyyy-MM-dd}"
                : null;
            if ((Disputes(claim, cluster, earlierSide.Count > 0, reversal is not null) ?? StanceDisputes(claim, cluster, stance)) is { } why)
            {
                // The dispute is on record from an earlier article: another voice denying again corroborates the denial
                // ("the president denied it" after "the White House dismissed the report"); it is no news of its own.
                return reversal is null && KnownDispute(claim, cluster) is { } known
                    ? (TopicEventType.Corroboration, known, $"joins {known.Source} in disputing {latest.Source}; {why}")
                    : (TopicEventType.Contradiction, latest, reversal ?? $"{Side(claim.Polarity)} against {latest.Source}, who {Side(latest.Polarity)}; {why}");
            }

            // Opposite words that do not speak to the claim ("this isn't the first job posting") take no side on it.
            return (null, null, NotDisputing);
        }

        // The article speaks of the claim but, read as a whole, disputes it ("believed to have died ... may still be alive").
        if (claim.Polarity == Polarity.Asserted && earlierSide.Count > 0 && StanceDisputes(claim, cluster, stance) is { } disputed)
        {
            return (TopicEventType.Contradiction, earlierSide[0], $"disputes {earlierSide[0].Source}; {disputed}");
        }

        // Sightings on this side from this article only: the claim is as new as the one that opened the cluster here.
        return earlierSide.Count > 0
            ? (TopicEventType.Corroboration, earlierSide[0], $"independent source confirms {earlierSide[0].Source}")
            : (TopicEventType.NewClaim, null, side.Count > 0 ? "a claim not seen before in this topic" : "first firm statement of a claim seen only as speculation");
    }

    /// <summary>
    /// The disputing side's sighting from an earlier article when <paramref name="claim"/> disputes the cluster too
    /// (a denial, or the opposite outcome), else null: the dispute is known, so the claim corroborates it. A denial
    /// older than <see cref="ReversalAge"/> is a past position (the report may have reversed it), not a known dispute.
    /// </summary>
    private static SourceSighting? KnownDispute(Claim claim, ClaimCluster cluster)
    {
        if (claim.Polarity != Polarity.Denied && Reverses(claim, cluster) is null)
        {
            return null;
        }

        var known = cluster.Side(Polarity.Denied).Where(s => s.ArticleKey != claim.ArticleKey && !(claim.Published - s.Published >= ReversalAge)).ToList();
        // A party to the claim answering for itself for the first time ("Orvane's chief says no deal" after the target
        // denied the talks) is news of its own, not a repeat of the other party's denial.
        var parties = cluster.Members.Where(m => m.Polarity == Polarity.Asserted).SelectMany(m => m.Signature.Entities).ToHashSet(StringComparer.Ordinal);
        var speaksFor = SourceNames(claim.Attribution.Source).Where(parties.Contains).ToList();
        return known.Count == 0 || speaksFor.Any(p => !known.Any(s => SourceNames(s.Source).Contains(p))) ? null : known[0];
    }

    /// <summary>The names in a source's display form, with aliases folded onto their state ("Turkish Armed Forces" → turkey).</summary>
    private static HashSet<string> SourceNames(string source)
    {
        var words = Tokenizer.Terms(source).ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < words.Count; i++)
        {
            names.Add(Lexicon.Aliases.GetValueOrDefault(words[i]) ?? words[i]);
            if (i + 1 < words.Count && Lexicon.Aliases.TryGetValue(words[i] + " " + words[i + 1], out var pair))
            {
                names.Add(pair);
            }
        }

        return names;
    }

    /// <summary>
    /// Whether a claim on the other side of a cluster disputes its proposition, and why. A denial must speak to
    /// the sentence it denies (a denial word close in meaning, or a bare negation closer still). An assertion
    /// against a known denial disputes it when it is the first assertion, a confirmation, or a reversal;
    /// otherwise it only repeats the original report. Without embeddings (members stored before them) the
    /// polarity alone decides, as before.
    /// </summary>
    private static string? Disputes(Claim claim, ClaimCluster cluster, bool sideSeenBefore, bool reversal)
    {
        var about = ClaimEmbeddings.Nearest(claim.Embedding, cluster.Members, m => m.Polarity != claim.Polarity);
        if (double.IsNaN(about))
        {
            // A side known only from a denial of reports: its proposition is in the denial's sentence.
            about = ClaimEmbeddings.Nearest(claim.Embedding, cluster.Members);
        }

        var folded = TextFolding.Fold(claim.Text);
        var denialWord = NonDenials.Any(n => Lexicon.ContainsWords(folded, n)) ? null : claim.Cues.FirstOrDefault(IsDisputeCue);
        if (double.IsNaN(about))
        {
            return "opposite polarity";
        }

        // "The Kremlin denied such a request": the sentence names what it denies by pointing back to it. A negated wish
        // beside it ("the claims emerged after he said he does not want people to cancel parties") denies nothing.
        if (claim.RefersTo is not null && claim.Polarity == Polarity.Denied && (denialWord is not null || NegatedTerms(claim.Text, NegatedReach).Count > 0))
        {
            return "denies the claim it refers to";
        }

        if (claim.Polarity == Polarity.Denied)
        {
            return denialWord is not null && about >= DisputeCosine ? $"\"{denialWord}\" about the claim (cosine {about:0.00})"
                : claim.Attribution.Kind == AttributionKind.Outlet || NegatedTerms(claim.Text, NegatedReach) is not { Count: > 0 } negated ? null
                : about >= NegationCosine ? $"{claim.Attribution.Source} negates the claim (cosine {about:0.00})"
                : about >= DisputeCosine && negated.Intersect(PropositionTerms(claim, cluster)).FirstOrDefault() is { } term
                    ? $"{claim.Attribution.Source} negates \"{term}\" of the claim (cosine {about:0.00})"
                : null;
        }

        var confirms = Confirmation(claim);
        if (confirms is not null)
        {
            // A confirmation may restate the original report rather than the denial's words.
            var restates = ClaimEmbeddings.Nearest(claim.Embedding, cluster.Members, m => m.Polarity == Polarity.Asserted && m.ArticleKey != claim.ArticleKey);
            about = double.IsNaN(restates) ? about : Math.Max(about, restates);
        }

        return about < (confirms is null ? AssertionCosine : ConfirmationCosine) ? null
            : reversal ? "a reversal"
            : confirms is not null ? $"\"{confirms}\" against the denial (cosine {about:0.00})"
            : !sideSeenBefore && cluster.Sightings.Any(s => s.Polarity == Polarity.Denied && s.ArticleKey != claim.ArticleKey && SpeaksToNegation(claim, s.Text)) ? $"asserts what was denied (cosine {about:0.00})"
            : null;
    }

    /// <summary>Words between a negation and the word it governs: auxiliaries and fillers ("not at all", "never even").</summary>
    private static readonly HashSet<string> NegationFillers = new(StringComparer.Ordinal)
    {
        "be", "been", "being", "is", "are", "was", "were", "have", "has", "had", "do", "does", "did", "will", "would",
        "could", "should", "can", "may", "might", "must", "yet", "ever", "even", "also", "really", "actually", "at", "all",
    };

    /// <summary>
    /// Whether an assertion speaks to what a denied sentence negates. A denial word ("denied", "not true") denies
    /// the whole proposition; a bare negation denies the word it governs ("It won't take long" negates taking long,
    /// not the plans quoted beside it), so the assertion must state that word.
    /// </summary>
    private static bool SpeaksToNegation(Claim claim, string denied)
    {
        var folded = TextFolding.Fold(denied);
        if (Lexicon.DenialPhrases.Any(p => Lexicon.ContainsWords(folded, p)))
        {
            return true;
        }

        var words = Tokenizer.Terms(denied).ToList();
        if (words.Any(Lexicon.DenialWords.Contains))
        {
            return true;
        }

        var negated = NegatedTerms(words, 1);
        return negated.Count == 0 || Tokenizer.Terms(claim.Text).Any(w => negated.Contains(ClaimTerms.Normalize(w)));
    }

    private static readonly HashSet<string> Attitudes = new(StringComparer.Ordinal)
    {
        "want", "wanted", "wants", "wish", "wished", "like", "liked", "care", "cared", "mind", "intend", "intended", "expect", "expected",
    };

    /// <summary>How many content words after a bare negation it governs: "not holding sales talks".</summary>
    private const int NegatedReach = 3;

    /// <summary>The normalised content words that bare negations in a text govern, up to <paramref name="reach"/> after each.</summary>
    private static HashSet<string> NegatedTerms(string text, int reach) => NegatedTerms(Tokenizer.Terms(text).ToList(), reach);

    private static HashSet<string> NegatedTerms(List<string> words, int reach)
    {
        var negated = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < words.Count; i++)
        {
            if (!Lexicon.NegationWords.Contains(words[i]) && !words[i].EndsWith("n't", StringComparison.Ordinal))
            {
                continue;
            }

            var governed = words.Skip(i + 1).Take(4 + reach).Where(w => !NegationFillers.Contains(w) && !Lexicon.IsStop(w)).Take(reach).ToList();
            // "didn't want to visit the cemetery": a negated wish denies the wish, not the event.
            if (governed.Count > 0 && !Attitudes.Contains(governed[0]))
            {
                negated.UnionWith(governed.Select(ClaimTerms.Normalize));
            }
        }

        return negated;
    }

    /// <summary>What the cluster's assertions from other articles state: their predicates and objects.</summary>
    private static IEnumerable<string> PropositionTerms(Claim claim, ClaimCluster cluster) =>
        cluster.Members.Where(m => m.Polarity == Polarity.Asserted && m.ArticleKey != claim.ArticleKey)
            .SelectMany(m => m.Signature.Predicates.Concat(m.Signature.Objects));

    /// <summary>
    /// The stance model's reading of the whole article against the cluster's first assertion from another article:
    /// a dispute when Disputes is the model's choice with at least <see cref="StanceDisputeProbability"/>.
    /// </summary>
    private static string? StanceDisputes(Claim claim, ClaimCluster cluster, Func<string, StancePrediction>? stance)
    {
        var proposition = cluster.Members.FirstOrDefault(m => m.Polarity == Polarity.Asserted && m.ArticleKey != claim.ArticleKey);
        if (stance is null || proposition is null)
        {
            return null;
        }

        var prediction = stance(proposition.Text);
        return prediction.Relation == Relation.Disputes && prediction.Score >= StanceDisputeProbability
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the article disputes \"{proposition.Text}\" (stance model, p={prediction.Score:0.00})")
            : null;
    }

    /// <summary>Words that put on record what a denial rejected, or show it (a leaked video).</summary>
    private static readonly string[] ConfirmationCues =
    [
        "confirmed", "confirms", "confirm", "on the record", "admitted", "admits", "acknowledged", "acknowledges",
        "video", "footage", "recording", "leaked",
    ];

    private const string NotDisputing = "mention: does not dispute the claim";

    /// <summary>The confirmation cue of a claim ("confirmed", "a leaked video", the emphatic "did call"), else null.</summary>
    private static string? Confirmation(Claim claim)
    {
        var folded = TextFolding.Fold(claim.Text);
        if (ConfirmationCues.FirstOrDefault(c => Lexicon.ContainsWords(folded, c)) is { } cue)
        {
            return cue;
        }

        var words = folded.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i + 1 < words.Length; i++)
        {
            // "Trump did call them losers": the emphatic auxiliary insists on what was doubted.
            if (words[i] is "did" or "does" && words[i + 1].Length > 2 && !words[i + 1].EndsWith("n't", StringComparison.Ordinal)
                && !EmphasisExceptions.Contains(words[i + 1]) && !claim.Text.TrimEnd().EndsWith('?'))
            {
                return $"{words[i]} {words[i + 1]}";
            }
        }

        return null;
    }

    private static readonly HashSet<string> EmphasisExceptions = new(StringComparer.Ordinal)
    {
        "not", "never", "so", "this", "that", "the", "nothing", "anything", "something", "well", "more", "you", "they", "she",
        "his", "her", "its", "their", "our", "what", "which", "who", "same", "likewise", "too", "both",
    };

    /// <summary>Outcomes that exclude each other: a claim of one disputes a report of the other.</summary>
    private static readonly (string Reported, string Opposite)[] OppositeOutcomes =
    [
        ("kill", "survive"), ("win", "lose"), ("lose", "win"), ("increase", "cut"), ("cut", "increase"), ("approve", "ban"),
    ];

    /// <summary>
    /// The opposite outcome a claim states against the cluster's first assertion from another article ("survive" against
    /// "kill"), as "alive vs killed" words, or null. The sentences must still be about the same thing.
    /// </summary>
    private static string? Reverses(Claim claim, ClaimCluster cluster)
    {
        var reported = cluster.Members.FirstOrDefault(m => m.Polarity == Polarity.Asserted && m.ArticleKey != claim.ArticleKey);
        if (reported is null || claim.Polarity != Polarity.Asserted || !(ClaimEmbeddings.Cosine(claim.Embedding, reported.Embedding) >= DisputeCosine))
        {
            return null;
        }

        foreach (var (was, now) in OppositeOutcomes)
        {
            if (reported.Signature.Predicates.Contains(was) && !reported.Signature.Predicates.Contains(now) && claim.PredicateTerms.Contains(now))
            {
                return $"{now} vs {was}";
            }
        }

        return null;
    }

    /// <summary>Words that state a finding against a claim rather than someone's denial of it.</summary>
    private static readonly string[] FindingCues =
    [
        "concluded", "found", "finds", "investigation", "misconduct", "fabrication", "falsification", "flawed", "retracted",
        "retraction", "expression of concern", "video", "footage", "recording", "leaked",
    ];

    /// <summary>Whether a disputing claim states a finding of its own (evidence, an investigation's conclusion, the opposite outcome) rather than only denying.</summary>
    private static bool StatesFinding(Claim claim, ClaimCluster cluster)
    {
        if (claim.RefersTo is not null)
        {
            return false;
        }

        var folded = TextFolding.Fold(claim.Text);
        return Reverses(claim, cluster) is not null
            || FindingCues.Any(c => Lexicon.ContainsWords(folded, c)) && !claim.Cues.Any(c => c is "denied" or "denies" or "deny" or "rejected" or "dismissed" or "refuted" or "fake news" or "not true");
    }

    /// <summary>Hedge words before a figure: "roughly eight" and "seven" need not conflict.</summary>
    private static readonly string[] Hedges = ["roughly", "about", "around", "some", "nearly", "almost", "approximately", "near", "as much as", "up to"];

    /// <summary>Words that make a figure a lower bound: "more than 10 percent" holds for 13%.</summary>
    private static readonly string[] LowerBounds = ["more than", "over", "at least", "upwards of"];

    /// <summary>
    /// Two figures within a fifth of each other, one of them approximate ("roughly eight") or a lower bound the
    /// other meets ("more than 10 percent" and 13%), are not a conflict.
    /// </summary>
    private static bool RoughlyEqual(Claim claim, Quantity mine, ClaimCluster cluster, Quantity theirs)
    {
        var member = cluster.Members.FirstOrDefault(m => m.Signature.Quantities.Contains(theirs));
        return Consistent(claim.Text, mine, theirs.Value) || member is not null && Consistent(member.Text, theirs, mine.Value);
    }

    /// <summary>
    /// A figure put approximately: a hedge within the few words before it ("near the critical level of $40,000"),
    /// or a round figure in the plural ("in the low $30,000s").
    /// </summary>
    private static bool Hedged(string text, Quantity quantity)
    {
        if (quantity.Text.EndsWith('s') && quantity.Text.Length > 1 && char.IsAsciiDigit(quantity.Text[^2]))
        {
            return true;
        }

        var at = text.IndexOf(quantity.Text, StringComparison.OrdinalIgnoreCase);
        // Articles and "of" do not count towards the reach: "near the critical level of $40,000".
        var before = at <= 0 ? [] : Tokenizer.Terms(text[Math.Max(0, at - 50)..at]).Where(w => w is not ("the" or "a" or "an" or "of")).TakeLast(HedgeReach).ToList();
        return Hedges.Any(h => h.Contains(' ', StringComparison.Ordinal) ? Preceded(text, quantity, [h]) : before.Contains(h));
    }

    /// <summary>How many words before a figure a hedge may stand.</summary>
    private const int HedgeReach = 4;

    private static bool Preceded(string text, Quantity quantity, string[] words)
    {
        var at = text.IndexOf(quantity.Text, StringComparison.OrdinalIgnoreCase);
        if (at <= 0)
        {
            return false;
        }

        var before = TextFolding.Fold(text[Math.Max(0, at - 20)..at]).TrimEnd();
        return words.Any(h => before.EndsWith(" " + h, StringComparison.Ordinal) || before == h);
    }

    /// <summary>A denial word under negation is no denial: "has not denied allegations".</summary>
    private static readonly string[] NonDenials =
    [
        "not denied", "not deny", "not denying", "n't deny", "n't denied", "never denied", "refused to deny", "declined to deny",
        "did not dispute", "does not dispute", "has not disputed", "stopped short of",
    ];

    /// <summary>What a denial can be of, when it names it: "denied reports that", "rejected the claims".</summary>
    private static readonly string[] ReportNouns = ["reports", "report", "claims", "allegations", "rumours", "rumors", "speculation"];

    /// <summary>Whose the denied reports are, when the sentence names them after the noun (one of <see cref="ReportNouns"/>): "the claims by the former Chief Economic Advisor".</summary>
    private static string? ReportedBy(string text, string noun) =>
        ReportAuthor().Matches(text).FirstOrDefault(m => m.Groups["noun"].Value.Equals(noun, StringComparison.OrdinalIgnoreCase))?.Groups["who"].Value;

    [GeneratedRegex(@"(?i:\b(?<noun>reports?|claims|allegations|rumou?rs|speculation)\s+(?:made\s+)?by\s+(?:the\s+|a\s+)?)(?<who>(?:former\s+|ex-)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,5})", RegexOptions.None, 1000)]
    private static partial Regex ReportAuthor();

    /// <summary>The noun ("reports", "claims") of a firm denial that names what it denies, else null.</summary>
    private static string? DeniesReports(Claim claim)
    {
        if (claim.Polarity != Polarity.Denied || !claim.Cues.Any(c => Lexicon.DenialWords.Contains(c)))
        {
            return null;
        }

        var folded = TextFolding.Fold(claim.Text);
        return ReportNouns.FirstOrDefault(n => Lexicon.ContainsWords(folded, n));
    }

    private static bool IsDisputeCue(string cue) => Lexicon.DenialWords.Contains(cue) || Lexicon.DenialPhrases.Contains(cue);

    private static (ClaimCluster? Cluster, SimilarityResult Similarity) BestCluster(
        string topicId, Claim claim, ClaimSignature signature, IClaimIndex index, Dictionary<string, ClaimCluster> changed, List<string> created)
    {
        // Clusters known before this article come first; those this article opened are the fallback, so that a
        // headline and its body meet in the cluster the story already has.
        var known = index.Candidates(topicId, signature, CandidateLimit)
            .Select(c => changed.GetValueOrDefault(c.Id) ?? c)
            .Where(c => !created.Contains(c.Id))
            .ToList();
        var match = Best(claim, signature, known);
        return match.Cluster is not null ? match : Best(claim, signature, created.Select(id => changed[id]));
    }

    private static (ClaimCluster? Cluster, SimilarityResult Similarity) Best(Claim claim, ClaimSignature signature, IEnumerable<ClaimCluster> candidates)
    {
        ClaimCluster? best = null;
        var bestSimilarity = SimilarityResult.None;
        var confirms = claim.Polarity == Polarity.Asserted && Confirmation(claim) is not null;
        foreach (var cluster in candidates)
        {
            foreach (var member in cluster.Members)
            {
                var similarity = ClaimSimilarity.Compare(signature, member.Signature);
                // A match through an implied predicate (return → give up) needs the entities to agree more firmly.
                // Otherwise the entities must overlap substantially, or an amount must be the same.
                // A status-quo statement ("position unchanged") names little besides its entities.
                var statusQuo = similarity.SharedPredicates.Contains("change");
                var anchored = similarity.PredicateScore is > 0.5 and < 0.75
                    ? similarity.EntityScore >= 0.5 && (statusQuo || similarity.SharedObjects.Count > 0 || similarity.SameQuantities.Count > 0 || similarity.EntityScore >= 0.9)
                    : similarity.EntityScore >= 0.4 || similarity.SameQuantities.Any(q => q.Left.Kind != QuantityKind.Date);

                // Without predicates to compare, the objects must share a word; a new amount needs a clear predicate match.
                anchored &= similarity.PredicateScore != ClaimSimilarity.UncomparedPredicates || similarity.SharedObjects.Count > 0 || similarity.SameQuantities.Count > 0;
                anchored &= similarity.PredicateScore >= 0.7 || !NewAmount(signature, member.Signature);
                // Figures with nothing in common ("a contract until 2030" beside "a £53m fee") are different facts.
                anchored &= !DisjointFigures(signature, member.Signature, similarity);
                // Two claims split from one sentence ("offers to return X but also seeks a refund") share its embedding,
                // which says nothing about whether they are one fact: only the rules may join them.
                var sibling = member.ArticleKey == claim.ArticleKey && member.Text == claim.Text;
                var cosine = sibling ? double.NaN : ClaimEmbeddings.Cosine(claim.Embedding, member.Embedding);
                var ruled = similarity.PredicatesAgree && anchored && similarity.Score >= JoinThreshold && !(cosine < UnrelatedCosine);
                // A paraphrase ("hurt in airstrike" for "wounded in an air strike") meets its cluster by meaning, if it
                // names someone the member names or says nearly the same thing.
                // Predicates that clearly differ (seeking a refund is not returning) need a closer meaning.
                // Evidence or a confirmation ("a video shows", "did call") restates a denied claim from another angle, in
                // predicates of its own: it meets the cluster at a lower bar.
                var confirming = confirms && cluster.Members.Any(m => m.Polarity == Polarity.Denied);
                var paraphrase = cosine >= (confirming ? ConfirmationCosine : ParaphraseCosine) && (similarity.SharedEntities.Count > 0 || cosine >= 0.8)
                    && (similarity.PredicatesAgree || confirming || cosine >= 0.7)
                    && (cosine >= 0.75 || !DisjointFigures(signature, member.Signature, similarity) && !NewAmount(signature, member.Signature, claim.Text));
                var score = double.IsNaN(cosine) ? similarity.Score : Math.Max(similarity.Score, cosine);
                if ((ruled || paraphrase) && score > bestSimilarity.Score)
                {
                    best = cluster;
                    bestSimilarity = similarity with { Score = score, Cosine = cosine };
                }
            }
        }

        return (best, bestSimilarity);
    }

    private static bool NewFigure(ClaimSignature signature, ClaimCluster cluster) =>
        signature.Quantities.Any(q => q.Kind != QuantityKind.Date
            && !cluster.Members.Any(m => m.Signature.Quantities.Any(o => o.Kind == q.Kind && Math.Abs(o.Value - q.Value) <= 0.02 * Math.Abs(q.Value))));

    private static bool DisjointFigures(ClaimSignature claim, ClaimSignature member, SimilarityResult similarity) =>
        claim.Quantities.Count > 0 && member.Quantities.Count > 0 && similarity.SameQuantities.Count == 0 && similarity.ConflictingQuantities.Count == 0;

    /// <summary>
    /// True when the claim states an amount in a slot the member has no value for ("the toll will be 4 euros"). Given
    /// the claim's text, a period the event came after ("after two lacklustre months of hovering") is background.
    /// </summary>
    private static bool NewAmount(ClaimSignature claim, ClaimSignature member, string? text = null) =>
        claim.Quantities.Any(q => q.Kind != QuantityKind.Date && !member.Quantities.Any(m => m.SameSlot(q))
            && !(text is not null && q.Kind == QuantityKind.Duration && Preceded(text, q, ["after"])));

    private static SimilarityResult ForcedSimilarity(ClaimSignature signature, ClaimCluster cluster) =>
        cluster.Members.Select(m => ClaimSimilarity.Compare(signature, m.Signature)).OrderByDescending(s => s.Score).First();

    /// <summary>One event per cluster and side per article: the strongest type, stated by the best-attributed claim.</summary>
    private static List<TopicEvent> Collapse(List<TopicEvent> events, ILookup<(string, Polarity), Claim> byCluster) =>
        events
            .GroupBy(e => (e.ClusterId, e.Polarity))
            .Select(g =>
            {
                var best = g.OrderBy(e => Rank(e.Type)).ThenBy(e => e.Attribution.Kind == AttributionKind.Outlet ? 1 : 0).ThenBy(e => e.Claim.SentenceIndex).First();
                return best with { Merged = byCluster[(best.ClusterId, best.Polarity)].Where(c => c.Key != best.Claim.Key).ToList() };
            })
            .OrderBy(e => e.Claim.SentenceIndex)
            .ToList();

    private static int Rank(TopicEventType type) => type switch
    {
        TopicEventType.Contradiction => 0,
        TopicEventType.NewClaim => 1,
        _ => 2,
    };

    private static TopicEvent Event(TopicEventType type, string topicId, string clusterId, Claim claim, SourceSighting? other, SimilarityResult similarity, string? note)
    {
        var explanation = new EventExplanation(
            claim.Text, other?.Text, claim.Cues, similarity.SharedEntities, Math.Round(similarity.Score, 3),
            claim.Attribution.Source, claim.Published, other?.Source, other?.Published, note);
        var why = type switch
        {
            TopicEventType.NewClaim => $"new claim ({Side(claim.Polarity)}, {claim.Attribution.Source})",
            TopicEventType.Contradiction => $"contradiction: {note}",
            _ => $"corroboration by {claim.Attribution.Source}: {note}",
        };
        if (similarity.SharedEntities.Count > 0)
        {
            why += $"; shared: {string.Join(", ", similarity.SharedEntities)}; similarity {similarity.Score:0.00}";
        }

        return new TopicEvent(type, topicId, clusterId, claim, claim.Polarity, claim.Attribution, why, explanation);
    }

    private static ClusterMember Member(Claim claim, ClaimSignature signature) =>
        new(claim.Key, claim.ArticleKey, claim.Text, claim.Polarity, signature) { Embedding = claim.Embedding };

    private static SourceSighting Sighting(Claim claim) =>
        new(claim.Attribution.SourceKey, claim.Attribution.Source, claim.Attribution.Kind, claim.Polarity, claim.Key, claim.ArticleKey, claim.Text, claim.Published, claim.Outlet, claim.Url,
            claim.Attribution.Kind == AttributionKind.Outlet ? claim.Attribution.Via : null);

    private static Polarity Opposite(Polarity polarity) => polarity == Polarity.Asserted ? Polarity.Denied : Polarity.Asserted;

    private static string Side(Polarity polarity) => polarity == Polarity.Asserted ? "asserted" : "denied";
}
