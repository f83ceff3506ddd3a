package io.github.esdb.embedded.store;

import java.util.List;

/**
 * Derives records from every commit and writes them in the same commit, right after the committed records (the
 * embedded server's system projections). Called under the store's write lock, so it must be quick and must not call
 * back into the store's write methods: it writes through the {@link DerivedWriter} it is given.
 */
@FunctionalInterface
public interface CommitHook {

	/**
	 * Called after records were committed and before readers are woken.
	 * @param records the records just committed, in log order (never the hook's own records)
	 * @param writer appends derived records after them
	 */
	void committed(List<StoredEvent> records, DerivedWriter writer);

}
