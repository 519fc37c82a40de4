namespace Alerts.Pipeline.Articles;

/// <summary>How articles are completed and deduplicated. Section <c>Articles</c>.</summary>
public sealed class ArticleOptions
{
    public const string Section = "Articles";

    /// <summary>Fetch the article's page when the feed gives only a summary.</summary>
    public bool FetchPages { get; set; } = true;

    /// <summary>Fingerprints within this Hamming distance mark a syndicated copy (0–3).</summary>
    [System.ComponentModel.DataAnnotations.Range(0, 3)]
    public int CopyDistance { get; set; } = 3;
}
