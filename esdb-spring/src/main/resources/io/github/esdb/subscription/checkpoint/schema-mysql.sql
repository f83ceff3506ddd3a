-- Checkpoints of KurrentDB catch-up subscriptions, kept by io.github.esdb.subscription.checkpoint.JdbcCheckpointStore:
-- one row per subscription id, holding a stream revision or an $all commit and prepare position.
CREATE TABLE IF NOT EXISTS esdb_checkpoint (
    subscription_id VARCHAR(200) NOT NULL PRIMARY KEY,
    stream_revision BIGINT,
    commit_position BIGINT,
    prepare_position BIGINT,
    updated_at TIMESTAMP NOT NULL
);

-- Positions of the partitions of transactional subscriptions with a concurrency above 1: one row per subscription id
-- and partition index, with the partition count it was written under.
CREATE TABLE IF NOT EXISTS esdb_checkpoint_partition (
    subscription_id VARCHAR(200) NOT NULL,
    partition_index INT NOT NULL,
    partition_count INT NOT NULL,
    stream_revision BIGINT,
    commit_position BIGINT,
    prepare_position BIGINT,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (subscription_id, partition_index)
);
