package io.khora.bench.family;

import java.util.List;

/**
 * A family's section of the report.
 *
 * @param title section heading
 * @param markdown the section body: method, tables, notes and the chart's image link
 * @param targets the targets this family checks (may be empty)
 */
public record FamilyResult(String title, String markdown, List<TargetCheck> targets) {
}
