/**
 * Connection details for a KurrentDB service started by Spring Boot's Docker Compose support.
 */
@NullMarked
package io.github.esdb.dockercompose;

import org.jspecify.annotations.NullMarked;
