package io.khora.annotation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class (POJO or record) as a space entry type. Optional: any class with a {@link SpaceId}
 * property can be written; the annotation lets the type name be chosen explicitly.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface SpaceClass {
    /** The type name used in the space; defaults to the fully qualified class name. */
    String name() default "";
}
