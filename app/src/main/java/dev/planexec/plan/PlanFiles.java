package dev.planexec.plan;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reading, validating and writing plan files.
 *
 * <pre>{@code
 * Plan plan = PlanFiles.load(Path.of("plans/demo.json")); // throws InvalidPlanException listing every problem
 * byte[] json = PlanFiles.toJson(plan);
 * }</pre>
 */
public final class PlanFiles {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            // Numbers in fields planexec does not know are written back as they were read: a double would turn
            // 0.0005 into 5.0E-4 and 12345678.5 into 1.23456785E7.
            .configure(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS, true)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    private static final Pattern SOURCE = Pattern.compile("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]");

    private PlanFiles() {}

    /** Reads and validates the plan at {@code file}; problems name the file as it was given. */
    public static Plan load(Path file) throws InvalidPlanException {
        if (Files.isDirectory(file)) {
            throw new InvalidPlanException(List.of(file + ": is a folder, not a plan file"));
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InvalidPlanException(List.of(file + ": no such file"));
        } catch (AccessDeniedException e) {
            throw new InvalidPlanException(List.of(file + ": permission denied"));
        } catch (IOException e) {
            throw new InvalidPlanException(List.of(file + ": cannot read: " + e.getMessage()));
        }
        return parse(bytes, file.toString());
    }

    /** Parses and validates plan JSON; {@code name} is the file name used in problem reports. */
    public static Plan parse(byte[] json, String name) throws InvalidPlanException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = charLocation(json).orElse(e.getLocation());
            String where = at == null ? name : name + ":" + at.getLineNr() + ":" + at.getColumnNr();
            throw new InvalidPlanException(List.of(where + ": malformed JSON: " + firstLine(e.getOriginalMessage())));
        } catch (IOException e) {
            throw new InvalidPlanException(List.of(name + ": cannot read: " + e.getMessage()));
        }
        if (root == null || root.isMissingNode()) {
            throw new InvalidPlanException(List.of(name + ":1:1: the file is empty; a plan is a JSON object"));
        }
        List<PlanProblem> problems = new ArrayList<>();
        PlanReader reader = new PlanReader(problems);
        Plan plan = reader.read(root);
        if (plan != null) {
            new PlanValidator(problems).validate(plan, reader.taskPointers());
        }
        if (!problems.isEmpty()) {
            JsonLocations locations = JsonLocations.of(json);
            List<String> lines = new ArrayList<>();
            for (PlanProblem problem : problems) {
                int[] lc = locations.lineAndColumn(problem.pointer());
                lines.add(name + ":" + lc[0] + ":" + lc[1] + ": " + problem.message());
            }
            throw new InvalidPlanException(lines);
        }
        return plan;
    }

    /** The plan as it is written to disk: UTF-8 JSON, two-space indent, a final newline. */
    public static byte[] toJson(Plan plan) {
        return PlanWriter.write(plan);
    }

    /**
     * Where parsing the document as text fails: columns then count characters, as editors do, not the bytes the
     * fast parser counts ({@code é} is two bytes).
     */
    private static Optional<JsonLocation> charLocation(byte[] json) {
        try {
            MAPPER.readTree(JsonLocations.text(json));
            return Optional.empty(); // the bytes were not valid UTF-8; the byte parser's location stands
        } catch (JsonProcessingException e) {
            return Optional.ofNullable(e.getLocation());
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        // Jackson names an enclosing array or object by a location that reads "[Source: REDACTED (...); line: 1,
        // column: 11]"; the user needs only the line and column.
        return SOURCE.matcher(line).replaceAll("[line $1, column $2]");
    }
}
