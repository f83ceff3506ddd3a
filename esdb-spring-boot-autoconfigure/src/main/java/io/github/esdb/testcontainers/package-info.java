/**
 * Testcontainers support for the real KurrentDB image: {@code KurrentDBContainer} and its {@code
 * @ServiceConnection}.
 */
@NullMarked
package io.github.esdb.testcontainers;

import org.jspecify.annotations.NullMarked;
