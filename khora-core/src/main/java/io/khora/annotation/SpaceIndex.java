package io.khora.annotation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Asks the space to keep an index on a property. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.RECORD_COMPONENT})
public @interface SpaceIndex {
    /** The index kind; {@link SpaceIndexType#EQUAL} by default. */
    SpaceIndexType type() default SpaceIndexType.EQUAL;
}
