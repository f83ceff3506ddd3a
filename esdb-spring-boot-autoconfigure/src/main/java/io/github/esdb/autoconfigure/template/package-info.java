/**
 * Auto-configuration of {@code EsdbTemplate}.
 */
@NullMarked
package io.github.esdb.autoconfigure.template;

import org.jspecify.annotations.NullMarked;
