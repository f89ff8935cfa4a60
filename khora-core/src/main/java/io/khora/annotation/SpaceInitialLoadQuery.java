package io.khora.annotation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method returning the WHERE clause that selects which rows of a type the initial load
 * reads. On the entry class itself {@link #type()} may be left empty; on a separate bean it names
 * the entry type. The method may take an {@link io.khora.ClusterInfo} parameter.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface SpaceInitialLoadQuery {
    /** Fully qualified name of the entry type the query is for; empty on the entry class itself. */
    String type() default "";
}
