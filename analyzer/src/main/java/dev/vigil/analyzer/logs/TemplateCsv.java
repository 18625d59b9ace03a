package dev.vigil.analyzer.logs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.RuntimeJsonMappingException;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads and writes loghub-style CSV (RFC 4180: comma-separated, fields with a comma, quote or line break in
 * double quotes, quotes doubled): the parser output {@code LineId,EventTemplate} and the ground-truth
 * {@code *_structured.csv} files.
 */
public final class TemplateCsv {
    /** Header of the parser output. */
    public static final List<String> OUTPUT_HEADER = List.of("LineId", "EventTemplate");
    private static final CsvMapper MAPPER = CsvMapper.builder()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .disable(CsvGenerator.Feature.ALWAYS_QUOTE_STRINGS)
            .enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING)
            .build();

    private TemplateCsv() {
    }

    /**
     * Writes {@code LineId,EventTemplate}, one row per template, LineId from 1.
     *
     * @param out       where to write (not closed)
     * @param templates the template of line 1, 2, ...
     * @throws IOException when writing fails
     */
    public static void write(final Writer out, final List<String> templates) throws IOException {
        final CsvSchema schema = CsvSchema.builder().addColumn("LineId").addColumn("EventTemplate")
                .setUseHeader(true).build();
        try (var seq = MAPPER.writer(schema).without(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .writeValues(out)) {
            for (int i = 0; i < templates.size(); i++) {
                seq.write(new Object[] {i + 1, templates.get(i)});
            }
        }
    }

    /**
     * Writes {@code LineId,EventTemplate} to a file, replacing it.
     *
     * @param file      the output file
     * @param templates the template of line 1, 2, ...
     * @throws IOException when writing fails
     */
    public static void write(final Path file, final List<String> templates) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(w, templates);
        }
    }

    /**
     * Reads the named columns of a CSV file with a header row.
     *
     * @param file    the file
     * @param columns the columns wanted, by header name
     * @return one array per data row, the wanted columns in the order asked
     * @throws IOException              when reading fails
     * @throws IllegalArgumentException when a column is missing or a row is short, naming the file and row
     */
    public static List<String[]> read(final Path file, final String... columns) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(r, file.toString(), columns);
        }
    }

    /**
     * @param reader  the CSV text, with a header row
     * @param name    what to call it in errors
     * @param columns the columns wanted
     * @return one array per data row, the wanted columns in the order asked
     * @throws IOException              when reading fails
     * @throws IllegalArgumentException when it is not CSV (an unclosed quote), naming it and the line
     */
    public static List<String[]> read(final Reader reader, final String name, final String... columns)
            throws IOException {
        try {
            return rows(reader, name, columns);
        } catch (RuntimeJsonMappingException | JsonProcessingException e) {
            // the parser's own message names neither the file nor, once wrapped by the iterator, the line
            final Throwable cause = e instanceof RuntimeJsonMappingException ? e.getCause() : e;
            if (cause instanceof JsonProcessingException j && j.getLocation() != null) {
                throw new IllegalArgumentException(name + ": not CSV, at line " + j.getLocation().getLineNr() + ": "
                        + j.getOriginalMessage(), e);
            }
            throw new IllegalArgumentException(name + ": not CSV: " + e.getMessage(), e);
        }
    }

    private static List<String[]> rows(final Reader reader, final String name, final String... columns)
            throws IOException {
        try (MappingIterator<String[]> it = MAPPER.readerFor(String[].class).readValues(reader)) {
            if (!it.hasNext()) {
                throw new IllegalArgumentException(name + ": empty, expected a header row");
            }
            final List<String> header = Arrays.asList(it.next());
            final int[] index = new int[columns.length];
            for (int k = 0; k < columns.length; k++) {
                index[k] = header.indexOf(columns[k]);
                if (index[k] < 0) {
                    throw new IllegalArgumentException(name + ": no column " + columns[k] + " in header " + header);
                }
            }
            final List<String[]> rows = new ArrayList<>();
            while (it.hasNext()) {
                final String[] row = it.next();
                if (row.length == 1 && row[0].isEmpty()) {
                    continue;
                }
                final String[] picked = new String[columns.length];
                for (int k = 0; k < columns.length; k++) {
                    if (index[k] >= row.length) {
                        throw new IllegalArgumentException(name + ": row " + (rows.size() + 2) + " has "
                                + row.length + " fields, column " + columns[k] + " is field " + (index[k] + 1));
                    }
                    picked[k] = row[index[k]];
                }
                rows.add(picked);
            }
            return rows;
        }
    }
}
