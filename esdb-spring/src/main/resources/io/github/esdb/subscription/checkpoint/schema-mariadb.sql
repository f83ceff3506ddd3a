-- Checkpoints of KurrentDB catch-up subscriptions, kept by io.github.esdb.subscription.checkpoint.JdbcCheckpointStore:
-- one row per subscription id, holding a stream revision or an $all commit and prepare position.
CREATE TABLE IF NOT EXISTS esdb_checkpoint (
    subscription_id VARCHAR(200) NOT NULL PRIMARY KEY,
    stream_revision BIGINT,
    commit_position BIGINT,
    prepare_position BIGINT,
    updated_at TIMESTAMP NOT NULL
);
