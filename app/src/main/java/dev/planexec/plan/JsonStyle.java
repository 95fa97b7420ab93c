package dev.planexec.plan;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * How a JSON file is laid out, and values written that way: one indent step ({@code "  "}, {@code "    "},
 * {@code "\t"}, or none for a file on one line), the line break, and what separates a field name from its value.
 *
 * <p>Pretty values are laid out as {@code JSON.stringify(value, null, indent)} lays them out; strings are escaped as
 * {@code JSON.stringify} escapes them (quote, backslash and control characters only; everything else as UTF-8).
 *
 * @param indent one level of indentation; empty for a file written on one line
 * @param newline {@code "\n"} or {@code "\r\n"}
 * @param colon between a field name and its value, e.g. {@code ": "}, {@code ":"} or {@code " : "}
 */
record JsonStyle(String indent, String newline, String colon) {
    /** Planeteer's: {@code JSON.stringify(plan, null, 2)}. */
    static final JsonStyle PLANETEER = new JsonStyle("  ", "\n", ": ");

    /**
     * The layout of {@code document}: its first line break, the indentation of the root object's first field, and
     * what stands between that field's name and its value. A document on one line has no indent step.
     */
    static JsonStyle of(JsonSource document) {
        byte[] b = document.bytes();
        String newline = "\n";
        for (int i = document.contentStart(); i < b.length; i++) {
            if (b[i] == '\n') {
                newline = i > 0 && b[i - 1] == '\r' ? "\r\n" : "\n";
                break;
            }
        }
        JsonSource.Span root = document.span(document.root());
        if (root == null || root.size() == 0) {
            return new JsonStyle(PLANETEER.indent, newline, PLANETEER.colon);
        }
        String colon = document.text(root.keyEnd()[0], root.valueStart()[0]);
        String leading = document.text(root.start() + 1, root.itemStart()[0]);
        int lastBreak = Math.max(leading.lastIndexOf('\n'), leading.lastIndexOf('\r'));
        String indent = lastBreak < 0 ? "" : leading.substring(lastBreak + 1);
        if (lastBreak >= 0 && indent.isEmpty()) {
            indent = PLANETEER.indent; // fields at the left margin: there is no step to copy
        }
        return new JsonStyle(indent, newline, colon);
    }

    boolean pretty() {
        return !indent.isEmpty();
    }

    /** Between the items of a value written on one line: {@code ", "} in a spaced file, {@code ","} in a tight one. */
    String inlineComma() {
        return colon.endsWith(" ") ? ", " : ",";
    }

    /**
     * Writes {@code value}; a pretty value's inner lines start with {@code lineIndent} plus indent steps, and
     * {@code inline} writes it on one line whatever the style.
     */
    void write(ByteArrayOutputStream out, JsonNode value, String lineIndent, boolean inline) {
        if (value.isObject()) {
            if (value.isEmpty()) {
                ascii(out, "{}");
                return;
            }
            ascii(out, "{");
            String inner = lineIndent + indent;
            boolean first = true;
            for (Map.Entry<String, JsonNode> field : value.properties()) {
                ascii(out, first ? "" : comma(inline));
                first = false;
                breakLine(out, inner, inline);
                string(out, field.getKey());
                ascii(out, colon);
                write(out, field.getValue(), inner, inline);
            }
            breakLine(out, lineIndent, inline);
            ascii(out, "}");
        } else if (value.isArray()) {
            if (value.isEmpty()) {
                ascii(out, "[]");
                return;
            }
            ascii(out, "[");
            String inner = lineIndent + indent;
            for (int i = 0; i < value.size(); i++) {
                ascii(out, i == 0 ? "" : comma(inline));
                breakLine(out, inner, inline);
                write(out, value.get(i), inner, inline);
            }
            breakLine(out, lineIndent, inline);
            ascii(out, "]");
        } else if (value.isTextual()) {
            string(out, value.textValue());
        } else if (value.isBigDecimal()) {
            ascii(out, value.decimalValue().toString());
        } else {
            ascii(out, value.toString()); // other numbers, true, false, null
        }
    }

    private String comma(boolean inline) {
        return inline || !pretty() ? inlineComma() : ",";
    }

    private void breakLine(ByteArrayOutputStream out, String lineIndent, boolean inline) {
        if (!pretty() || inline) {
            return;
        }
        ascii(out, newline);
        ascii(out, lineIndent);
    }

    /** Writes {@code s}, which is ASCII. */
    static void ascii(ByteArrayOutputStream out, String s) {
        for (int i = 0; i < s.length(); i++) {
            out.write(s.charAt(i));
        }
    }

    /** {@code s} as a JSON string, escaped as {@code JSON.stringify} escapes it. */
    static void string(ByteArrayOutputStream out, String s) {
        out.write('"');
        int run = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String escape = null;
            if (c == '"') {
                escape = "\\\"";
            } else if (c == '\\') {
                escape = "\\\\";
            } else if (c < 0x20) {
                escape = switch (c) {
                    case '\b' -> "\\b";
                    case '\f' -> "\\f";
                    case '\n' -> "\\n";
                    case '\r' -> "\\r";
                    case '\t' -> "\\t";
                    default -> String.format("\\u%04x", (int) c);
                };
            } else if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c)
                        ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                        : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
                if (!paired) {
                    escape = String.format("\\u%04x", (int) c); // half a character: UTF-8 cannot hold it
                }
            }
            if (escape != null) {
                out.writeBytes(s.substring(run, i).getBytes(StandardCharsets.UTF_8));
                ascii(out, escape);
                run = i + 1;
            }
        }
        out.writeBytes(s.substring(run).getBytes(StandardCharsets.UTF_8));
        out.write('"');
    }
}
