package dev.planexec.plan;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A JSON document as its bytes plus where every value sits in them, so that a save can edit the bytes instead of
 * writing the document anew.
 *
 * <p>The parser is strict where a lenient one would let a file say something other than what it shows: the bytes
 * must be UTF-8 (no overlong forms, no surrogates), the file holds exactly one JSON value, a field name appears once
 * per object. It also bounds what a file may ask of it (see {@link PlanLimits}).
 */
final class JsonSource {
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /**
     * Where an object's or array's parts are: for item {@code i}, {@code itemStart[i]} is where its field name (or,
     * in an array, its value) starts, {@code valueStart[i]} where its value starts, {@code itemEnd[i]} where the value
     * ends; {@code keyEnd[i]} is just after a field name's closing quote. {@code start} is the bracket, {@code end}
     * is just after the closing bracket.
     */
    record Span(int start, int end, int[] itemStart, int[] keyEnd, int[] valueStart, int[] itemEnd, String[] keys) {
        int size() {
            return itemStart.length;
        }

        int indexOf(String key) {
            if (keys == null) {
                return -1;
            }
            for (int i = 0; i < keys.length; i++) {
                if (keys[i].equals(key)) {
                    return i;
                }
            }
            return -1;
        }
    }

    private final byte[] bytes;
    private final int contentStart;
    private final int rootStart;
    private final int rootEnd;
    private final JsonNode root;
    private final Map<JsonNode, Span> spans;

    private JsonSource(
            byte[] bytes, int contentStart, int rootStart, int rootEnd, JsonNode root, Map<JsonNode, Span> spans) {
        this.bytes = bytes;
        this.contentStart = contentStart;
        this.rootStart = rootStart;
        this.rootEnd = rootEnd;
        this.root = root;
        this.spans = spans;
    }

    /**
     * Parses {@code bytes}.
     *
     * @throws MalformedJsonException where and why the bytes are not one JSON document
     * @throws EmptyDocumentException if there is nothing but white space
     */
    static JsonSource parse(byte[] bytes) throws MalformedJsonException, EmptyDocumentException {
        int start = startsWithBom(bytes) ? BOM.length : 0;
        Utf8.check(bytes, start);
        JsonParser parser = new JsonParser(bytes, start);
        parser.skipWhitespace();
        if (parser.pos >= bytes.length) {
            throw new EmptyDocumentException();
        }
        int rootStart = parser.pos;
        JsonNode root = parser.value(0);
        int rootEnd = parser.pos;
        parser.skipWhitespace();
        if (parser.pos < bytes.length) {
            byte b = bytes[parser.pos];
            throw new MalformedJsonException(
                    parser.pos,
                    b == '{' || b == '['
                            ? "a second JSON document after the first; a plan file holds exactly one"
                            : "unexpected " + JsonParser.describe(bytes, parser.pos)
                                    + " after the end of the JSON document; a plan file holds exactly one");
        }
        return new JsonSource(bytes, start, rootStart, rootEnd, root, parser.spans);
    }

    static boolean startsWithBom(byte[] bytes) {
        return bytes.length >= 3 && bytes[0] == BOM[0] && bytes[1] == BOM[1] && bytes[2] == BOM[2];
    }

    byte[] bytes() {
        return bytes;
    }

    JsonNode root() {
        return root;
    }

    int rootStart() {
        return rootStart;
    }

    int rootEnd() {
        return rootEnd;
    }

    /** Where the object or array {@code node} (one of this document's own) is, or {@code null}. */
    Span span(JsonNode node) {
        return spans.get(node);
    }

    /** The offset of the value at the JSON pointer {@code pointer}, or of its nearest parent this document has. */
    int offsetOf(String pointer) {
        JsonNode node = root;
        int offset = rootStart;
        if (pointer.isEmpty()) {
            return offset;
        }
        for (String segment : pointer.substring(1).split("/", -1)) {
            Span span = spans.get(node);
            if (span == null) {
                return offset;
            }
            int index;
            if (node.isObject()) {
                index = span.indexOf(segment);
            } else {
                try {
                    index = Integer.parseInt(segment);
                } catch (NumberFormatException e) {
                    return offset;
                }
            }
            if (index < 0 || index >= span.size()) {
                return offset;
            }
            offset = span.valueStart()[index];
            node = node.isObject() ? node.get(segment) : node.get(index);
        }
        return offset;
    }

    /** Line and column (both from 1) of {@code offset}; columns count characters as editors do, not bytes. */
    int[] lineAndColumn(int offset) {
        return lineAndColumn(bytes, offset);
    }

    static int[] lineAndColumn(byte[] bytes, int offset) {
        int line = 1;
        int column = 1;
        int i = startsWithBom(bytes) ? BOM.length : 0;
        int end = Math.min(offset, bytes.length);
        while (i < end) {
            int b = bytes[i] & 0xFF;
            if (b == '\n') {
                line++;
                column = 1;
            } else if (b == '\r') {
                if (i + 1 < bytes.length && bytes[i + 1] == '\n') {
                    i++;
                    if (i >= end) {
                        break;
                    }
                }
                line++;
                column = 1;
            } else if ((b & 0xC0) != 0x80) {
                // A character outside the Basic Multilingual Plane is two UTF-16 units, as editors count it.
                column += b >= 0xF0 ? 2 : 1;
            }
            i++;
        }
        return new int[] {line, column};
    }

    /** The document's text from {@code from} to {@code to}, as UTF-8. */
    String text(int from, int to) {
        return new String(bytes, from, to - from, StandardCharsets.UTF_8);
    }

    /** The first byte after the byte order mark, if there is one. */
    int contentStart() {
        return contentStart;
    }

    /** Not one JSON document: {@code offset} is where the problem is. */
    static final class MalformedJsonException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int offset;

        MalformedJsonException(int offset, String message) {
            super(message, null, false, false);
            this.offset = offset;
        }

        int offset() {
            return offset;
        }
    }

    /** Nothing but white space (or nothing at all). */
    static final class EmptyDocumentException extends Exception {
        private static final long serialVersionUID = 1L;

        EmptyDocumentException() {
            super("empty", null, false, false);
        }
    }
}
