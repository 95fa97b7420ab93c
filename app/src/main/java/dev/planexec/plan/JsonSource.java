package dev.planexec.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
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
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

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
        Parser parser = new Parser(bytes, start);
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
                            : "unexpected " + Parser.describe(bytes, parser.pos)
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

    /** Strict UTF-8 as Unicode defines it (Table 3-7): no overlong forms, no surrogates, nothing above U+10FFFF. */
    static final class Utf8 {
        private Utf8() {}

        static void check(byte[] b, int from) throws MalformedJsonException {
            int i = from;
            int n = b.length;
            while (i < n) {
                int c = b[i] & 0xFF;
                if (c < 0x80) {
                    i++;
                    continue;
                }
                int length;
                int lo = 0x80;
                int hi = 0xBF;
                if (c >= 0xC2 && c <= 0xDF) {
                    length = 2;
                } else if (c >= 0xE0 && c <= 0xEF) {
                    length = 3;
                    if (c == 0xE0) {
                        lo = 0xA0;
                    } else if (c == 0xED) {
                        hi = 0x9F;
                    }
                } else if (c >= 0xF0 && c <= 0xF4) {
                    length = 4;
                    if (c == 0xF0) {
                        lo = 0x90;
                    } else if (c == 0xF4) {
                        hi = 0x8F;
                    }
                } else {
                    // Say which bytes: C0 AF, the overlong "/", is more use to the reader than C0 alone.
                    int count = 1;
                    while (count < 4 && i + count < n && (b[i + count] & 0xC0) == 0x80) {
                        count++;
                    }
                    throw invalid(b, i, count);
                }
                for (int k = 1; k < length; k++) {
                    if (i + k >= n) {
                        throw invalid(b, i, k);
                    }
                    int next = b[i + k] & 0xFF;
                    int min = k == 1 ? lo : 0x80;
                    int max = k == 1 ? hi : 0xBF;
                    if (next < min || next > max) {
                        throw invalid(b, i, k + 1);
                    }
                }
                i += length;
            }
        }

        private static MalformedJsonException invalid(byte[] b, int at, int count) {
            StringBuilder hex = new StringBuilder();
            for (int k = 0; k < count && at + k < b.length; k++) {
                hex.append(k == 0 ? "" : " ").append(String.format("%02X", b[at + k] & 0xFF));
            }
            return new MalformedJsonException(
                    at, "malformed JSON: not UTF-8 (bytes " + hex + "); a plan file must be UTF-8");
        }
    }

    /** Recursive descent over the bytes; depth is bounded by {@link PlanLimits#MAX_DEPTH}, so the stack is too. */
    private static final class Parser {
        private final byte[] b;
        private int pos;
        private final Map<JsonNode, Span> spans = new IdentityHashMap<>();

        Parser(byte[] bytes, int start) {
            this.b = bytes;
            this.pos = start;
        }

        void skipWhitespace() {
            while (pos < b.length) {
                byte c = b[pos];
                if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                    pos++;
                } else {
                    return;
                }
            }
        }

        JsonNode value(int depth) throws MalformedJsonException {
            if (pos >= b.length) {
                throw endOfFile("a value");
            }
            byte c = b[pos];
            switch (c) {
                case '{':
                    return object(depth + 1);
                case '[':
                    return array(depth + 1);
                case '"':
                    return TextNode.valueOf(string());
                case 't':
                    literal("true");
                    return BooleanNode.TRUE;
                case 'f':
                    literal("false");
                    return BooleanNode.FALSE;
                case 'n':
                    literal("null");
                    return NullNode.instance;
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw unexpected("a value");
            }
        }

        private ObjectNode object(int depth) throws MalformedJsonException {
            checkDepth(depth);
            int start = pos++;
            ObjectNode node = NODES.objectNode();
            List<int[]> items = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            skipWhitespace();
            if (pos < b.length && b[pos] == '}') {
                pos++;
                spans.put(node, span(start, items, keys));
                return node;
            }
            while (true) {
                skipWhitespace();
                if (pos >= b.length) {
                    throw endOfFile("a field name");
                }
                if (b[pos] != '"') {
                    throw unexpected("a field name in double quotes");
                }
                int itemStart = pos;
                String key = string();
                int keyEnd = pos;
                if (node.has(key)) {
                    int first = items.get(keys.indexOf(key))[0];
                    int[] lc = lineAndColumn(b, first);
                    throw new MalformedJsonException(
                            itemStart,
                            "field \"" + key + "\" appears twice in one object (first at line " + lc[0] + ", column "
                                    + lc[1] + ")");
                }
                skipWhitespace();
                if (pos >= b.length) {
                    throw endOfFile("':'");
                }
                if (b[pos] != ':') {
                    throw unexpected("':' after the field name");
                }
                pos++;
                skipWhitespace();
                int valueStart = pos;
                JsonNode value = value(depth);
                node.set(key, value);
                items.add(new int[] {itemStart, keyEnd, valueStart, pos});
                keys.add(key);
                skipWhitespace();
                if (pos >= b.length) {
                    throw endOfFile("',' or '}'");
                }
                if (b[pos] == ',') {
                    pos++;
                } else if (b[pos] == '}') {
                    pos++;
                    spans.put(node, span(start, items, keys));
                    return node;
                } else {
                    throw unexpected("',' or '}' after a field");
                }
            }
        }

        private ArrayNode array(int depth) throws MalformedJsonException {
            checkDepth(depth);
            int start = pos++;
            ArrayNode node = NODES.arrayNode();
            List<int[]> items = new ArrayList<>();
            skipWhitespace();
            if (pos < b.length && b[pos] == ']') {
                pos++;
                spans.put(node, span(start, items, null));
                return node;
            }
            while (true) {
                skipWhitespace();
                int valueStart = pos;
                node.add(value(depth));
                items.add(new int[] {valueStart, valueStart, valueStart, pos});
                skipWhitespace();
                if (pos >= b.length) {
                    throw endOfFile("',' or ']'");
                }
                if (b[pos] == ',') {
                    pos++;
                } else if (b[pos] == ']') {
                    pos++;
                    spans.put(node, span(start, items, null));
                    return node;
                } else {
                    throw unexpected("',' or ']' after an array element");
                }
            }
        }

        private Span span(int start, List<int[]> items, List<String> keys) {
            int n = items.size();
            int[] itemStart = new int[n];
            int[] keyEnd = new int[n];
            int[] valueStart = new int[n];
            int[] itemEnd = new int[n];
            for (int i = 0; i < n; i++) {
                int[] item = items.get(i);
                itemStart[i] = item[0];
                keyEnd[i] = item[1];
                valueStart[i] = item[2];
                itemEnd[i] = item[3];
            }
            return new Span(
                    start,
                    pos,
                    itemStart,
                    keyEnd,
                    valueStart,
                    itemEnd,
                    keys == null ? null : keys.toArray(String[]::new));
        }

        private void checkDepth(int depth) throws MalformedJsonException {
            if (depth > PlanLimits.MAX_DEPTH) {
                throw new MalformedJsonException(
                        pos,
                        "objects and arrays nested more than " + PlanLimits.MAX_DEPTH
                                + " deep; a plan file may nest at most " + PlanLimits.MAX_DEPTH);
            }
        }

        private void literal(String word) throws MalformedJsonException {
            for (int i = 0; i < word.length(); i++) {
                if (pos + i >= b.length || b[pos + i] != word.charAt(i)) {
                    throw new MalformedJsonException(
                            pos, "malformed JSON: unexpected " + describe(b, pos) + ", expected a value");
                }
            }
            pos += word.length();
        }

        private String string() throws MalformedJsonException {
            int start = pos;
            pos++; // the opening quote
            StringBuilder decoded = null;
            int run = pos;
            while (true) {
                if (pos >= b.length) {
                    throw new MalformedJsonException(start, "malformed JSON: a string that never ends");
                }
                if (pos - start > PlanLimits.MAX_STRING_BYTES) {
                    throw new MalformedJsonException(
                            start,
                            "a string longer than " + PlanLimits.MAX_STRING_BYTES / (1024 * 1024)
                                    + " MiB; a plan file's strings may be at most that long");
                }
                int c = b[pos] & 0xFF;
                if (c == '"') {
                    String tail = new String(b, run, pos - run, StandardCharsets.UTF_8);
                    pos++;
                    return decoded == null ? tail : decoded.append(tail).toString();
                }
                if (c < 0x20) {
                    throw new MalformedJsonException(
                            pos,
                            String.format(
                                    "malformed JSON: control character U+%04X in a string; write it as an escape"
                                            + " (\\n, \\t, \\u%04x)",
                                    c, c));
                }
                if (c != '\\') {
                    pos++;
                    continue;
                }
                if (decoded == null) {
                    decoded = new StringBuilder();
                }
                decoded.append(new String(b, run, pos - run, StandardCharsets.UTF_8));
                int escape = pos;
                pos++;
                if (pos >= b.length) {
                    throw new MalformedJsonException(start, "malformed JSON: a string that never ends");
                }
                char e = (char) (b[pos] & 0xFF);
                switch (e) {
                    case '"', '\\', '/' -> decoded.append(e);
                    case 'b' -> decoded.append('\b');
                    case 'f' -> decoded.append('\f');
                    case 'n' -> decoded.append('\n');
                    case 'r' -> decoded.append('\r');
                    case 't' -> decoded.append('\t');
                    case 'u' -> {
                        int value = 0;
                        for (int k = 1; k <= 4; k++) {
                            int h = pos + k < b.length ? hex(b[pos + k]) : -1;
                            if (h < 0) {
                                throw new MalformedJsonException(
                                        escape, "malformed JSON: \\u must be followed by four hex digits");
                            }
                            value = value * 16 + h;
                        }
                        decoded.append((char) value);
                        pos += 4;
                    }
                    default ->
                        throw new MalformedJsonException(
                                escape, "malformed JSON: unknown escape \\" + describeChar(b, pos) + " in a string");
                }
                pos++;
                run = pos;
            }
        }

        private static int hex(byte c) {
            if (c >= '0' && c <= '9') {
                return c - '0';
            }
            if (c >= 'a' && c <= 'f') {
                return c - 'a' + 10;
            }
            if (c >= 'A' && c <= 'F') {
                return c - 'A' + 10;
            }
            return -1;
        }

        private JsonNode number() throws MalformedJsonException {
            int start = pos;
            if (b[pos] == '-') {
                pos++;
            }
            if (pos >= b.length || !digit(b[pos])) {
                throw new MalformedJsonException(pos, "malformed JSON: a number needs a digit here");
            }
            if (b[pos] == '0') {
                pos++;
                if (pos < b.length && digit(b[pos])) {
                    throw new MalformedJsonException(start, "malformed JSON: a number may not start with 0");
                }
            } else {
                digits();
            }
            boolean integral = true;
            if (pos < b.length && b[pos] == '.') {
                integral = false;
                pos++;
                if (pos >= b.length || !digit(b[pos])) {
                    throw new MalformedJsonException(pos, "malformed JSON: a digit must follow the decimal point");
                }
                digits();
            }
            if (pos < b.length && (b[pos] == 'e' || b[pos] == 'E')) {
                integral = false;
                pos++;
                if (pos < b.length && (b[pos] == '+' || b[pos] == '-')) {
                    pos++;
                }
                if (pos >= b.length || !digit(b[pos])) {
                    throw new MalformedJsonException(pos, "malformed JSON: a digit must follow the exponent");
                }
                digits();
            }
            if (pos - start > PlanLimits.MAX_NUMBER_LENGTH) {
                throw new MalformedJsonException(
                        start,
                        "a number of more than " + PlanLimits.MAX_NUMBER_LENGTH
                                + " characters; a plan file's numbers may be at most that long");
            }
            String text = new String(b, start, pos - start, StandardCharsets.US_ASCII);
            if (integral) {
                if (text.length() <= 18) {
                    long value = Long.parseLong(text);
                    return value == (int) value ? IntNode.valueOf((int) value) : LongNode.valueOf(value);
                }
                return BigIntegerNode.valueOf(new BigInteger(text));
            }
            try {
                return DecimalNode.valueOf(new BigDecimal(text));
            } catch (NumberFormatException e) {
                throw new MalformedJsonException(start, "a number whose exponent is out of range");
            }
        }

        private void digits() {
            while (pos < b.length && digit(b[pos])) {
                pos++;
            }
        }

        private static boolean digit(byte c) {
            return c >= '0' && c <= '9';
        }

        private MalformedJsonException unexpected(String expected) {
            return new MalformedJsonException(
                    pos, "malformed JSON: unexpected " + describe(b, pos) + ", expected " + expected);
        }

        private MalformedJsonException endOfFile(String expected) {
            return new MalformedJsonException(pos, "malformed JSON: the file ends where " + expected + " should be");
        }

        /** The character at {@code at} for a message: printable ASCII as itself, anything else by its code. */
        static String describe(byte[] b, int at) {
            if (at >= b.length) {
                return "end of file";
            }
            return "character " + describeChar(b, at);
        }

        private static String describeChar(byte[] b, int at) {
            int c = b[at] & 0xFF;
            if (c > 0x20 && c < 0x7F) {
                return "'" + (char) c + "'";
            }
            if (c < 0x80) {
                return String.format("U+%04X", c);
            }
            int end = at + 1;
            while (end < b.length && (b[end] & 0xC0) == 0x80 && end - at < 4) {
                end++;
            }
            String s = new String(b, at, end - at, StandardCharsets.UTF_8);
            return String.format("U+%04X", s.codePointAt(0));
        }
    }
}
