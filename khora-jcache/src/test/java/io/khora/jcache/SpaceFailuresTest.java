package io.khora.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import io.khora.SpaceClosedException;
import io.khora.persistence.DataSourceException;
import io.khora.persistence.SpacePersistenceException;

import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriterException;
import javax.cache.processor.EntryProcessorException;

import org.junit.jupiter.api.Test;

class SpaceFailuresTest {
    @Test
    void aRefusedWriteThroughIsTheWritersOwnExceptionOrANewCacheWriterException() {
        CacheWriterException own = new CacheWriterException("writer said no");
        assertThat(SpaceFailures.translate("c", new SpacePersistenceException("refused", own))).isSameAs(own);
        RuntimeException other = new IllegalStateException("disk");
        assertThat(SpaceFailures.translate("c", new SpacePersistenceException("refused", other)))
                .isInstanceOf(CacheWriterException.class).hasMessage("refused").hasCause(other);
    }

    @Test
    void aFailedReadThroughIsTheLoadersOwnExceptionOrANewCacheLoaderException() {
        CacheLoaderException own = new CacheLoaderException("loader said no");
        assertThat(SpaceFailures.translate("c", new DataSourceException("failed", own))).isSameAs(own);
        assertThat(SpaceFailures.translate("c", new DataSourceException("failed", new IllegalStateException("db"))))
                .isInstanceOf(CacheLoaderException.class).hasMessage("failed");
    }

    @Test
    void aProcessorsFailureIsAnEntryProcessorExceptionAndAClosedSpaceAClosedCache() {
        IllegalArgumentException cause = new IllegalArgumentException("bad");
        assertThat(SpaceFailures.translate("c", new SpaceFailures.ProcessorFailure(cause)))
                .isInstanceOf(EntryProcessorException.class).hasCause(cause);
        EntryProcessorException own = new EntryProcessorException("own");
        assertThat(SpaceFailures.translate("c", new SpaceFailures.ProcessorFailure(own))).isSameAs(own);
        assertThat(SpaceFailures.translate("books", new SpaceClosedException("closed")))
                .isInstanceOf(IllegalStateException.class).hasMessage("cache 'books' is closed");
        RuntimeException other = new UnsupportedOperationException();
        assertThat(SpaceFailures.translate("c", other)).isSameAs(other);
    }
}
