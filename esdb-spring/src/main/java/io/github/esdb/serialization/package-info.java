/**
 * Event payloads and metadata to and from bytes: {@code @EventType} names, the type registry and the Jackson
 * serializer.
 */
@NullMarked
package io.github.esdb.serialization;

import org.jspecify.annotations.NullMarked;
