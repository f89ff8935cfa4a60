package io.khora.annotation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the routing property: its value picks the partition
 * ({@code Math.floorMod(value, partitions)} for integral values, {@code floorMod(hashCode, n)}
 * otherwise). Defaults to the id property when absent.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.RECORD_COMPONENT})
public @interface SpaceRouting {
}
