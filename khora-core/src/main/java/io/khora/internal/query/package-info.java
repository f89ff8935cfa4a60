/**
 * The query language: parsing ({@code Lexer}, {@code Parser}, cached by {@code ParseCache}),
 * binding against an entry type ({@code Binder}, {@code PathResolver}, {@code Coercion}),
 * evaluation with SQL's three-valued logic ({@code Condition}, {@link io.khora.internal.query.Values},
 * {@code LikePattern}) and planning ({@code Planner}, {@link io.khora.internal.query.Plan}).
 * {@link io.khora.internal.query.CompiledQuery} is the entry point.
 */
package io.khora.internal.query;
