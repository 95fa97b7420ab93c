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
 * The parser behind {@link JsonSource}: recursive descent over the bytes, noting where each object and array and
 * their items are. Depth is bounded by {@link PlanLimits#MAX_DEPTH}, so the stack is too.
 */
final class JsonParser {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final byte[] b;
    int pos;
    final Map<JsonNode, JsonSource.Span> spans = new IdentityHashMap<>();

    JsonParser(byte[] bytes, int start) {
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

    JsonNode value(int depth) throws JsonSource.MalformedJsonException {
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

    private ObjectNode object(int depth) throws JsonSource.MalformedJsonException {
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
                int[] lc = JsonSource.lineAndColumn(b, first);
                throw new JsonSource.MalformedJsonException(
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

    private ArrayNode array(int depth) throws JsonSource.MalformedJsonException {
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

    private JsonSource.Span span(int start, List<int[]> items, List<String> keys) {
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
        return new JsonSource.Span(
                start, pos, itemStart, keyEnd, valueStart, itemEnd, keys == null ? null : keys.toArray(String[]::new));
    }

    private void checkDepth(int depth) throws JsonSource.MalformedJsonException {
        if (depth > PlanLimits.MAX_DEPTH) {
            throw new JsonSource.MalformedJsonException(
                    pos,
                    "objects and arrays nested more than " + PlanLimits.MAX_DEPTH
                            + " deep; a plan file may nest at most " + PlanLimits.MAX_DEPTH);
        }
    }

    private void literal(String word) throws JsonSource.MalformedJsonException {
        for (int i = 0; i < word.length(); i++) {
            if (pos + i >= b.length || b[pos + i] != word.charAt(i)) {
                throw new JsonSource.MalformedJsonException(
                        pos, "malformed JSON: unexpected " + describe(b, pos) + ", expected a value");
            }
        }
        pos += word.length();
    }

    private String string() throws JsonSource.MalformedJsonException {
        int start = pos;
        pos++; // the opening quote
        StringBuilder decoded = null;
        int run = pos;
        while (true) {
            if (pos >= b.length) {
                throw new JsonSource.MalformedJsonException(start, "malformed JSON: a string that never ends");
            }
            if (pos - start > PlanLimits.MAX_STRING_BYTES) {
                throw new JsonSource.MalformedJsonException(
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
                throw new JsonSource.MalformedJsonException(
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
                throw new JsonSource.MalformedJsonException(start, "malformed JSON: a string that never ends");
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
                            throw new JsonSource.MalformedJsonException(
                                    escape, "malformed JSON: \\u must be followed by four hex digits");
                        }
                        value = value * 16 + h;
                    }
                    decoded.append((char) value);
                    pos += 4;
                }
                default ->
                    throw new JsonSource.MalformedJsonException(
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

    private JsonNode number() throws JsonSource.MalformedJsonException {
        int start = pos;
        if (b[pos] == '-') {
            pos++;
        }
        if (pos >= b.length || !digit(b[pos])) {
            throw new JsonSource.MalformedJsonException(pos, "malformed JSON: a number needs a digit here");
        }
        if (b[pos] == '0') {
            pos++;
            if (pos < b.length && digit(b[pos])) {
                throw new JsonSource.MalformedJsonException(start, "malformed JSON: a number may not start with 0");
            }
        } else {
            digits();
        }
        boolean integral = true;
        if (pos < b.length && b[pos] == '.') {
            integral = false;
            pos++;
            if (pos >= b.length || !digit(b[pos])) {
                throw new JsonSource.MalformedJsonException(
                        pos, "malformed JSON: a digit must follow the decimal point");
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
                throw new JsonSource.MalformedJsonException(pos, "malformed JSON: a digit must follow the exponent");
            }
            digits();
        }
        if (pos - start > PlanLimits.MAX_NUMBER_LENGTH) {
            throw new JsonSource.MalformedJsonException(
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
            throw new JsonSource.MalformedJsonException(start, "a number whose exponent is out of range");
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

    private JsonSource.MalformedJsonException unexpected(String expected) {
        return new JsonSource.MalformedJsonException(
                pos, "malformed JSON: unexpected " + describe(b, pos) + ", expected " + expected);
    }

    private JsonSource.MalformedJsonException endOfFile(String expected) {
        return new JsonSource.MalformedJsonException(
                pos, "malformed JSON: the file ends where " + expected + " should be");
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
