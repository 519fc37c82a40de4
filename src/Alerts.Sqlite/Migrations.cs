namespace Alerts.Sqlite;

/// <summary>One schema change: a SQL script applied once, in a transaction, and recorded in schema_migrations.</summary>
public sealed record Migration(int Version, string Name, string Sql);

/// <summary>
/// The store's schema history, oldest first. Never edit an applied migration: append the next number
/// (<c>new(2, "topics", """ ... """)</c>) at the end of <see cref="All"/>. Times are unix milliseconds (INTEGER)
/// everywhere, so that comparisons and ordering are plain integer ones.
/// </summary>
public static class Migrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "feeds, articles and queue messages", """
            CREATE TABLE feeds (
                id INTEGER PRIMARY KEY,
                url TEXT NOT NULL UNIQUE,
                title TEXT,
                etag TEXT,
                last_modified TEXT,
                next_check_at INTEGER NOT NULL,
                last_checked_at INTEGER,
                consecutive_errors INTEGER NOT NULL DEFAULT 0,
                consecutive_parse_failures INTEGER NOT NULL DEFAULT 0,
                last_error TEXT,
                parked INTEGER NOT NULL DEFAULT 0,
                parked_reason TEXT
            );
            CREATE INDEX ix_feeds_due ON feeds (next_check_at) WHERE parked = 0;

            -- fingerprint is the 64-bit SimHash reinterpreted as a signed INTEGER; fp_b0..fp_b3 are its four
            -- 16-bit bands (low to high), NULL while the fingerprint is unknown (0) so they never match.
            CREATE TABLE articles (
                id INTEGER PRIMARY KEY,
                feed_id INTEGER REFERENCES feeds (id) ON DELETE SET NULL,
                feed_item_id TEXT,
                url TEXT,
                title TEXT NOT NULL,
                outlet TEXT,
                published INTEGER,
                language TEXT,
                text TEXT NOT NULL,
                fingerprint INTEGER NOT NULL DEFAULT 0,
                fp_b0 INTEGER,
                fp_b1 INTEGER,
                fp_b2 INTEGER,
                fp_b3 INTEGER,
                copy_of INTEGER REFERENCES articles (id) ON DELETE SET NULL,
                has_full_text INTEGER NOT NULL DEFAULT 0,
                fetched_at INTEGER NOT NULL
            );
            CREATE UNIQUE INDEX ux_articles_feed_item ON articles (feed_id, feed_item_id) WHERE feed_item_id IS NOT NULL;
            CREATE UNIQUE INDEX ux_articles_url ON articles (url) WHERE url IS NOT NULL;
            CREATE INDEX ix_articles_fp_b0 ON articles (fp_b0);
            CREATE INDEX ix_articles_fp_b1 ON articles (fp_b1);
            CREATE INDEX ix_articles_fp_b2 ON articles (fp_b2);
            CREATE INDEX ix_articles_fp_b3 ON articles (fp_b3);

            -- seq gives FIFO order among messages that became visible at the same millisecond.
            CREATE TABLE queue_messages (
                seq INTEGER PRIMARY KEY,
                queue TEXT NOT NULL,
                id TEXT NOT NULL UNIQUE,
                pop_receipt TEXT,
                body TEXT NOT NULL,
                dequeue_count INTEGER NOT NULL DEFAULT 0,
                inserted_at INTEGER NOT NULL,
                visible_at INTEGER NOT NULL,
                lease_until INTEGER,
                last_error TEXT
            );
            CREATE INDEX ix_queue_messages_visible ON queue_messages (queue, visible_at);
            """),
        new(2, "topics, aliases and topic matches", """
            CREATE TABLE topics (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                query TEXT NOT NULL,
                description TEXT,
                languages TEXT NOT NULL DEFAULT '[]',
                feed_ids TEXT NOT NULL DEFAULT '[]'
            );
            CREATE TABLE topic_aliases (
                name TEXT PRIMARY KEY COLLATE NOCASE,
                members TEXT NOT NULL
            );
            -- One row per change counter; bumped by every topic or alias write so matchers rebuild.
            CREATE TABLE counters (
                name TEXT PRIMARY KEY,
                value INTEGER NOT NULL
            );
            INSERT INTO counters (name, value) VALUES ('topics', 0);
            CREATE TABLE topic_matches (
                article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
                topic_id TEXT NOT NULL,
                clauses TEXT NOT NULL,
                matched_at INTEGER NOT NULL,
                PRIMARY KEY (article_id, topic_id)
            );
            CREATE INDEX ix_topic_matches_topic ON topic_matches (topic_id, article_id);
            """),
        new(3, "claim clusters, postings and topic events", """
            -- body is the cluster as JSON (members with their signatures, and every sighting).
            CREATE TABLE claim_clusters (
                id TEXT PRIMARY KEY,
                topic_id TEXT NOT NULL,
                body TEXT NOT NULL,
                updated_at INTEGER NOT NULL
            );
            -- Postings per (topic, index key); seq orders them so "the most recent entries" is an index range.
            CREATE TABLE claim_postings (
                seq INTEGER PRIMARY KEY,
                topic_id TEXT NOT NULL,
                key TEXT NOT NULL,
                cluster_id TEXT NOT NULL,
                UNIQUE (topic_id, key, cluster_id)
            );
            CREATE INDEX ix_claim_postings_key ON claim_postings (topic_id, key, seq);
            -- Posting list lengths, so a lookup knows which lists are rare without counting them.
            CREATE TABLE claim_keys (
                topic_id TEXT NOT NULL,
                key TEXT NOT NULL,
                postings INTEGER NOT NULL,
                PRIMARY KEY (topic_id, key)
            );
            CREATE TABLE claim_articles (
                article_id INTEGER NOT NULL,
                topic_id TEXT NOT NULL,
                processed_at INTEGER NOT NULL,
                PRIMARY KEY (article_id, topic_id)
            );
            CREATE TABLE topic_events (
                seq INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                topic_id TEXT NOT NULL,
                cluster_id TEXT NOT NULL,
                article_id INTEGER NOT NULL,
                type TEXT NOT NULL,
                body TEXT NOT NULL,
                recorded_at INTEGER NOT NULL
            );
            CREATE INDEX ix_topic_events_topic ON topic_events (topic_id, seq);
            """),
        new(4, "subscriptions, digest cursors and digests", """
            -- One row per address (email is normalised: domain lower-case punycode). topics is a JSON array of
            -- topic ids. start_seq is the newest topic event when the subscription became active: a topic's
            -- cursor starts there until a digest moves it.
            CREATE TABLE subscriptions (
                id TEXT PRIMARY KEY,
                email TEXT NOT NULL UNIQUE COLLATE NOCASE,
                topics TEXT NOT NULL,
                frequency TEXT NOT NULL,
                hour INTEGER NOT NULL,
                day_of_week INTEGER NOT NULL,
                time_zone TEXT NOT NULL,
                state TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                confirmed_at INTEGER,
                unsubscribed_at INTEGER,
                start_seq INTEGER NOT NULL DEFAULT 0,
                last_window_key TEXT
            );
            CREATE INDEX ix_subscriptions_state ON subscriptions (state, created_at);
            -- The last topic event put in a digest, per (subscription, topic).
            CREATE TABLE subscription_cursors (
                subscription_id TEXT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
                topic_id TEXT NOT NULL,
                last_seq INTEGER NOT NULL,
                PRIMARY KEY (subscription_id, topic_id)
            );
            -- id is stable: <subscription id>-<window key>. state: Pending, Sent, Failed.
            CREATE TABLE digests (
                id TEXT PRIMARY KEY,
                subscription_id TEXT NOT NULL,
                window_key TEXT NOT NULL,
                state TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                sent_at INTEGER,
                provider_id TEXT,
                last_error TEXT
            );
            CREATE INDEX ix_digests_subscription ON digests (subscription_id, created_at);
            CREATE INDEX ix_digests_pending ON digests (created_at) WHERE state = 'Pending';
            -- The events a digest carries: per topic, the sequence range (after_seq, through_seq].
            CREATE TABLE digest_events (
                digest_id TEXT NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
                topic_id TEXT NOT NULL,
                after_seq INTEGER NOT NULL,
                through_seq INTEGER NOT NULL,
                PRIMARY KEY (digest_id, topic_id)
            );
            -- Secrets the store generates for itself (the link-signing key when none is configured).
            CREATE TABLE store_secrets (
                id TEXT PRIMARY KEY,
                secret TEXT NOT NULL,
                created_at INTEGER NOT NULL
            );
            """),
        new(5, "claim cluster versions", """
            -- Optimistic concurrency: a cluster is written only at the version it was read at, and each write bumps it,
            -- so two writers cannot overwrite each other's sightings. Existing clusters start at version 1.
            ALTER TABLE claim_clusters ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
            """),
        new(6, "story pages, public topics and private feed tokens", """
            -- The story page lists a topic's clusters by last change, newest first, a page at a time: an index range.
            CREATE INDEX ix_claim_clusters_change ON claim_clusters (topic_id, updated_at, id);
            -- A cluster's events (the "why" of each change on the story page).
            CREATE INDEX ix_topic_events_cluster ON topic_events (cluster_id, seq);
            -- A public topic's story page and Atom feed are shown to anyone; others answer 404 to the public.
            ALTER TABLE topics ADD COLUMN public INTEGER NOT NULL DEFAULT 0;
            -- The secret token of each subscription's private Atom feed; replacing it revokes the old address.
            CREATE TABLE feed_tokens (
                subscription_id TEXT PRIMARY KEY,
                token TEXT NOT NULL UNIQUE,
                created_at INTEGER NOT NULL
            );
            """),
        new(7, "webhook channels", """
            -- A subscription's webhook channel (none: email). kind: Slack, Teams, Webhook. secret signs generic
            -- webhooks (whsec_...). While disabled_at is set digests go by email; notice_sent_at records the email
            -- that told the subscriber. Times in unix ms.
            CREATE TABLE subscription_channels (
                subscription_id TEXT PRIMARY KEY REFERENCES subscriptions (id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                url TEXT NOT NULL,
                secret TEXT,
                updated_at INTEGER NOT NULL,
                consecutive_failures INTEGER NOT NULL DEFAULT 0,
                first_failure_at INTEGER,
                last_error TEXT,
                disabled_at INTEGER,
                notice_sent_at INTEGER
            );
            """),
        new(8, "feed groups", """
            -- The operator's folder for a feed (OPML import, feeds add --group), kept apart from the title, which is
            -- the outlet name in digests. Written only by SetFeedGroupAsync, never by the poller's update.
            ALTER TABLE feeds ADD COLUMN feed_group TEXT;
            """),
    ];

    /// <summary>The schema version this build knows: the number of the last migration.</summary>
    public static int Latest => All[^1].Version;
}
