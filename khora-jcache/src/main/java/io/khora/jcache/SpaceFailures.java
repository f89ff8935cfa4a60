package io.khora.jcache;

import io.khora.SpaceClosedException;
import io.khora.persistence.DataSourceException;
import io.khora.persistence.SpacePersistenceException;

import java.util.function.BiFunction;

import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriterException;
import javax.cache.processor.EntryProcessorException;

/** What a space call threw, translated into what JSR-107 specifies for the cache operation. */
final class SpaceFailures {
    private SpaceFailures() {
    }

    /**
     * The JSR-107 exception for {@code e}: an entry processor's failure becomes an
     * {@link EntryProcessorException}, a refused write-through the writer's {@link CacheWriterException},
     * a failed read-through the loader's {@link CacheLoaderException}, a closed space an
     * {@link IllegalStateException} naming the cache; anything else is returned as it is.
     */
    static RuntimeException translate(String cacheName, RuntimeException e) {
        if (e instanceof ProcessorFailure pf) {
            return pf.toEntryProcessorException();
        }
        if (e instanceof SpacePersistenceException) {
            return find(e, CacheWriterException.class, CacheWriterException::new);
        }
        if (e instanceof DataSourceException) {
            return find(e, CacheLoaderException.class, CacheLoaderException::new);
        }
        if (e instanceof SpaceClosedException) {
            return new IllegalStateException("cache '" + cacheName + "' is closed", e);
        }
        return e;
    }

    /** The first {@code type} in {@code e}'s cause chain, else a new one with {@code e}'s message and cause. */
    private static <X extends RuntimeException> X find(RuntimeException e, Class<X> type,
                                                       BiFunction<String, Throwable, X> make) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return make.apply(e.getMessage(), e.getCause() != null ? e.getCause() : e);
    }

    /** An exception thrown by a JCache entry processor, carried out of the space's invoke. */
    static final class ProcessorFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ProcessorFailure(Throwable cause) {
            super(cause);
        }

        EntryProcessorException toEntryProcessorException() {
            return getCause() instanceof EntryProcessorException epe ? epe : new EntryProcessorException(getCause());
        }
    }
}
