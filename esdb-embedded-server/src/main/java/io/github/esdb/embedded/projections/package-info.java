/**
 * The system projections of the embedded server ({@code $by_category}, {@code $by_event_type},
 * {@code $stream_by_category}, {@code $streams}) and the Projections gRPC service that manages them.
 */
package io.github.esdb.embedded.projections;
