-- Leases of coordinated KurrentDB catch-up subscriptions, kept by io.github.esdb.subscription.coordination.JdbcLeaseStore:
-- one row per subscription id; expires_at is in milliseconds since 1970 by the database's clock.
CREATE TABLE IF NOT EXISTS esdb_subscription_lease (
    subscription_id VARCHAR(200) NOT NULL PRIMARY KEY,
    owner_id VARCHAR(255) NOT NULL,
    epoch BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
