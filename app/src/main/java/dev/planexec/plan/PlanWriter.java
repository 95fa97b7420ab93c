package dev.planexec.plan;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a plan as JSON laid out the way Planeteer writes it ({@code JSON.stringify(plan, null, 2)}). Fields are
 * written in the order of the file they came from; fields planexec does not know are copied as they were; fields
 * planexec adds go after them.
 */
final class PlanWriter {
    /**
     * Byte for byte what {@code JSON.stringify} writes: characters outside the BMP (emoji) as they are, not as
     * escaped surrogate pairs, and control characters with lowercase hex digits.
     */
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
            .build());

    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"));

    private PlanWriter() {}

    static byte[] write(Plan plan) {
        ByteArrayOutputStream out =
                new ByteArrayOutputStream(8192 + plan.tasks().size() * 512);
        try (JsonGenerator gen = MAPPER.getFactory().createGenerator(out)) {
            gen.setPrettyPrinter(PRETTY);
            writePlan(gen, plan);
            gen.flush();
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    private static void writePlan(JsonGenerator gen, Plan plan) throws IOException {
        Map<String, FieldWriter> known = new LinkedHashMap<>();
        optional(known, "id", plan.id(), plan.source());
        optional(known, "name", plan.name(), plan.source());
        optional(known, "description", plan.description(), plan.source());
        optional(known, "createdAt", plan.createdAt(), plan.source());
        optional(known, "updatedAt", plan.updatedAt(), plan.source());
        optional(known, "agent", plan.agent(), plan.source());
        optional(known, "workingDirectory", plan.workingDirectory(), plan.source());
        optionalNumber(known, "retries", plan.retries(), plan.source());
        optionalNumber(known, "retryDelaySeconds", plan.retryDelaySeconds(), plan.source());
        known.put("tasks", g -> {
            g.writeStartArray();
            for (Task task : plan.tasks()) {
                writeTask(g, task);
            }
            g.writeEndArray();
        });
        writeObject(gen, plan.source(), known);
    }

    private static void writeTask(JsonGenerator gen, Task task) throws IOException {
        ObjectNode source = task.source();
        Map<String, FieldWriter> known = new LinkedHashMap<>();
        known.put("id", g -> g.writeString(task.id()));
        known.put("title", g -> g.writeString(task.title()));
        known.put("description", g -> g.writeString(task.description()));
        known.put("acceptanceCriteria", g -> writeStrings(g, task.acceptanceCriteria()));
        known.put("dependsOn", g -> writeStrings(g, task.dependsOn()));
        if (!task.steps().isEmpty() || has(source, "steps")) {
            known.put("steps", g -> writeSteps(g, task.steps()));
        }
        known.put("status", g -> g.writeString(task.status().json()));
        optional(known, "agent", task.agent(), source);
        // Planeteer writes no sessionId; planexec always does once a task has had one, even if it is null now.
        if (task.sessionId() != null || has(source, "sessionId") || task.attempts() > 0) {
            known.put("sessionId", g -> writeNullable(g, task.sessionId()));
        }
        optional(known, "agentResult", task.agentResult(), source);
        optional(known, "startedAt", task.startedAt(), source);
        optional(known, "finishedAt", task.finishedAt(), source);
        if (task.attempts() > 0 || has(source, "attempts")) {
            known.put("attempts", g -> g.writeNumber(task.attempts()));
        }
        optional(known, "error", task.error(), source);
        if (!task.sessionContext().isEmpty() || has(source, "sessionContext")) {
            known.put("sessionContext", g -> {
                g.writeStartObject();
                for (Map.Entry<String, String> e : task.sessionContext().entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            });
        }
        if (!task.notes().isEmpty() || has(source, "notes")) {
            known.put("notes", g -> writeStrings(g, task.notes()));
        }
        optionalNumber(known, "retries", task.retries(), source);
        optionalNumber(known, "retryDelaySeconds", task.retryDelaySeconds(), source);
        if (!task.usage().isNone() || has(source, "usage")) {
            known.put("usage", g -> writeUsage(g, task.usage()));
        }
        if (!task.retryState().attemptErrors().isEmpty() || has(source, "attemptErrors")) {
            known.put("attemptErrors", g -> writeStrings(g, task.retryState().attemptErrors()));
        }
        optional(known, "nextAttemptAt", task.retryState().nextAttemptAt(), source);
        writeObject(gen, source, known);
    }

    private static void writeSteps(JsonGenerator gen, List<Step> steps) throws IOException {
        gen.writeStartArray();
        for (Step step : steps) {
            if (step.source() == null && step.timeoutSeconds() == null) {
                gen.writeString(step.run());
                continue;
            }
            Map<String, FieldWriter> known = new LinkedHashMap<>();
            known.put("run", g -> g.writeString(step.run()));
            if (step.timeoutSeconds() != null) {
                known.put("timeoutSeconds", g -> g.writeNumber(step.timeoutSeconds()));
            }
            writeObject(gen, step.source(), known);
        }
        gen.writeEndArray();
    }

    /**
     * Writes {@code source}'s fields in their order, replacing the known ones with their current values and copying
     * the others as they are; then the known fields {@code source} did not have.
     */
    private static void writeObject(JsonGenerator gen, ObjectNode source, Map<String, FieldWriter> known)
            throws IOException {
        gen.writeStartObject();
        if (source != null) {
            for (Map.Entry<String, JsonNode> field : source.properties()) {
                FieldWriter writer = known.remove(field.getKey());
                if (writer != null) {
                    gen.writeFieldName(field.getKey());
                    writer.write(gen);
                } else {
                    gen.writeFieldName(field.getKey());
                    MAPPER.writeTree(gen, field.getValue());
                }
            }
        }
        for (Map.Entry<String, FieldWriter> field : known.entrySet()) {
            gen.writeFieldName(field.getKey());
            field.getValue().write(gen);
        }
        gen.writeEndObject();
    }

    private static void optional(Map<String, FieldWriter> known, String field, String value, ObjectNode source) {
        if (value != null) {
            known.put(field, g -> g.writeString(value));
        } else if (has(source, field)) {
            known.put(field, JsonGenerator::writeNull);
        }
    }

    private static void optionalNumber(Map<String, FieldWriter> known, String field, Integer value, ObjectNode source) {
        if (value != null) {
            known.put(field, g -> g.writeNumber(value));
        } else if (has(source, field)) {
            known.put(field, JsonGenerator::writeNull);
        }
    }

    private static void writeUsage(JsonGenerator gen, Usage usage) throws IOException {
        gen.writeStartObject();
        gen.writeNumberField("inputTokens", usage.inputTokens());
        gen.writeNumberField("outputTokens", usage.outputTokens());
        gen.writeNumberField("cachedTokens", usage.cachedTokens());
        if (usage.costUsd() != null) {
            // Rounded to a millionth of a dollar: sums of doubles would otherwise write 0.30000000000000004.
            gen.writeNumberField(
                    "costUsd",
                    java.math.BigDecimal.valueOf(usage.costUsd())
                            .setScale(6, java.math.RoundingMode.HALF_UP)
                            .stripTrailingZeros());
        }
        gen.writeEndObject();
    }

    private static boolean has(ObjectNode source, String field) {
        return source != null && source.has(field);
    }

    private static void writeStrings(JsonGenerator gen, List<String> values) throws IOException {
        gen.writeStartArray();
        for (String v : values) {
            gen.writeString(v);
        }
        gen.writeEndArray();
    }

    private static void writeNullable(JsonGenerator gen, String value) throws IOException {
        if (value == null) {
            gen.writeNull();
        } else {
            gen.writeString(value);
        }
    }

    @FunctionalInterface
    private interface FieldWriter {
        void write(JsonGenerator gen) throws IOException;
    }
}
