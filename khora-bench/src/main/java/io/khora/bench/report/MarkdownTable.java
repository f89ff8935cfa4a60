package io.khora.bench.report;

import java.util.ArrayList;
import java.util.List;

/** A GitHub-flavoured Markdown table, built row by row. */
public final class MarkdownTable {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    /** A table with these column headings. */
    public MarkdownTable(String... header) {
        this.header = List.of(header);
    }

    /** Adds a row (as many cells as headings). */
    public MarkdownTable row(String... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + header.size() + " columns");
        }
        rows.add(List.of(cells));
        return this;
    }

    /** The table as Markdown, ending with a newline. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        line(sb, header);
        sb.append('|');
        for (int i = 0; i < header.size(); i++) {
            sb.append(i == 0 ? "---|" : "---:|");
        }
        sb.append('\n');
        rows.forEach(r -> line(sb, r));
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells) {
        sb.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }
}
