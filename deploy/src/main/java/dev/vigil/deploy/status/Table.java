package dev.vigil.deploy.status;

import java.util.ArrayList;
import java.util.List;

/** Rows of text in columns as wide as their widest cell, two spaces apart: what people read at a glance. */
final class Table {
    private final List<String[]> rows = new ArrayList<>();

    Table(final String... headings) {
        rows.add(headings);
    }

    void row(final String... cells) {
        rows.add(cells);
    }

    @Override
    public String toString() {
        final int[] width = new int[rows.get(0).length];
        rows.forEach(r -> {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        });
        final StringBuilder b = new StringBuilder();
        for (final String[] r : rows) {
            final StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(r[i]).append(i == r.length - 1 ? "" : " ".repeat(width[i] - r[i].length() + 2));
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        return b.toString();
    }
}
