/**
 * The template: typed appends and reads of KurrentDB streams ({@code EsdbOperations}, {@code EsdbTemplate}) with
 * Spring's {@code DataAccessException} hierarchy.
 */
@NullMarked
package io.github.esdb.core;

import org.jspecify.annotations.NullMarked;
