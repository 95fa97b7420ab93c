package dev.planexec.plan;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Line and column of every value in a JSON document, by JSON pointer. Built only when a plan has problems to
 * report, so loading a valid plan pays nothing for it.
 */
final class JsonLocations {
    private final Map<String, JsonLocation> byPointer = new HashMap<>();

    static JsonLocations of(byte[] json) {
        JsonLocations locations = new JsonLocations();
        // Parsed as text so that columns count characters, as editors do, not bytes.
        try (JsonParser parser = new JsonFactory().createParser(text(json))) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.FIELD_NAME || token.isStructEnd()) {
                    continue;
                }
                // A container's own context is one level down; its slot is named by the parent.
                JsonStreamContext slot =
                        token.isStructStart() ? parser.getParsingContext().getParent() : parser.getParsingContext();
                locations.byPointer.put(slot.pathAsPointer().toString(), parser.currentTokenLocation());
            }
        } catch (IOException e) {
            // The document parsed before, so this cannot happen; what was read so far is still useful.
        }
        return locations;
    }

    /** The document as text, without the byte order mark some editors put first (the byte parser skips it too). */
    static String text(byte[] json) {
        String text = new String(json, StandardCharsets.UTF_8);
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** The location of the value at {@code pointer}, or of its nearest parent that has one. */
    int[] lineAndColumn(String pointer) {
        String p = pointer;
        while (true) {
            JsonLocation location = byPointer.get(p);
            if (location != null) {
                return new int[] {location.getLineNr(), location.getColumnNr()};
            }
            if (p.isEmpty()) {
                return new int[] {1, 1};
            }
            p = p.substring(0, p.lastIndexOf('/'));
        }
    }
}
