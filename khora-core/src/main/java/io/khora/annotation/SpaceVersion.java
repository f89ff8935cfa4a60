package io.khora.annotation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an {@code int}/{@code long} (or boxed) version property and turns on optimistic locking:
 * an update whose version is not 0 and differs from the stored version fails with
 * {@link io.khora.EntryVersionConflictException}. A new entry gets version 1; each update adds 1.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.RECORD_COMPONENT})
public @interface SpaceVersion {
}
