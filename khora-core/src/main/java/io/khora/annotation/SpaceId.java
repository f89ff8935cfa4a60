package io.khora.annotation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the identifier property of an entry type, on a field, a getter or a record component.
 * Ids are unique per type hierarchy. With {@code autoGenerate = true} the property must be a
 * {@code String}; a null id is then replaced by a generated unique id on write.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.RECORD_COMPONENT})
public @interface SpaceId {
    /** Whether the space generates the id when the written entry's id is null. */
    boolean autoGenerate() default false;
}
