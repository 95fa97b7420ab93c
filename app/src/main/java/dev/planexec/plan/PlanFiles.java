package dev.planexec.plan;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading, validating and writing plan files.
 *
 * <pre>{@code
 * Plan plan = PlanFiles.load(Path.of("plans/demo.json")); // throws InvalidPlanException listing every problem
 * byte[] json = PlanFiles.toJson(plan);
 * }</pre>
 */
public final class PlanFiles {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private PlanFiles() {}

    /** Reads and validates the plan at {@code file}; problems name the file as it was given. */
    public static Plan load(Path file) throws InvalidPlanException {
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
        if (Files.isDirectory(file)) {
            throw new InvalidPlanException(List.of(file + ": is a folder, not a plan file"));
        }
        return parse(bytes, file.toString());
    }

    /** Parses and validates plan JSON; {@code name} is the file name used in problem reports. */
    public static Plan parse(byte[] json, String name) throws InvalidPlanException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
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

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
