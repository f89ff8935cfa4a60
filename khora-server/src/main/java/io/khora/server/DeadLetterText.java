package io.khora.server;

import io.khora.persistence.DeadLetter;

/** How {@code khora deadletters} prints a dead letter: a line for people, or a JSON object per line. */
final class DeadLetterText {
    private DeadLetterText() {
    }

    /** {@code space orders  partition 2  sequence 17  WRITE com.acme.Order id=42  at 2026-…Z: error}, on one line. */
    static String line(String space, DeadLetter d) {
        return "space " + space + "  partition " + (d.partitionId() + 1) + "  sequence " + d.sequence() + "  " + d.operation() + " "
                + d.typeName() + " id=" + d.id() + "  at " + d.recordedAt() + ": " + oneLine(d.error());
    }

    /** {@code text} with its line breaks (and the indentation after them) turned into single spaces. */
    static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*\\R\\s*", " ");
    }

    /** One JSON object: space, partition (1-based), sequence, operation, type, id (a string), error, recordedAt. */
    static String json(String space, DeadLetter d) {
        return "{\"space\":" + quote(space) + ",\"partition\":" + (d.partitionId() + 1) + ",\"sequence\":" + d.sequence()
                + ",\"operation\":" + quote(d.operation().name()) + ",\"type\":" + quote(d.typeName()) + ",\"id\":" + quote(String.valueOf(d.id()))
                + ",\"error\":" + quote(d.error()) + ",\"recordedAt\":" + quote(d.recordedAt().toString()) + "}";
    }

    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
