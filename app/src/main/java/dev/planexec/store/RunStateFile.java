package dev.planexec.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.planexec.plan.InvalidPlanException;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.Timestamps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/**
 * The run's state kept beside the plan ({@code PLAN.json.run-state}) while the plan file itself cannot be written:
 * the user left it not parsing or not valid. It holds what a later three-way merge needs: the plan the run last
 * wrote into the plan file ({@code base}) and the run's state now ({@code run}), each as a plan document.
 *
 * <p>Written like the plan (a temporary file, forced to disk, renamed, folder forced), mode 0600. It is never older
 * than the plan file: while one exists, every save writes it before the plan, and it is deleted only once the plan
 * file holds its state.
 */
public final class RunStateFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FORMAT = 1;

    private final Path path;
    private final List<String> agentNames;

    private RunStateFile(Path path, List<String> agentNames) {
        this.path = path;
        this.agentNames = agentNames;
    }

    /**
     * The run-state file of the plan at {@code planFile}: {@code PLAN.json.run-state} in the same folder; the plans it
     * holds may name only {@code agentNames} ({@code null}: any name).
     */
    public static RunStateFile of(Path planFile, List<String> agentNames) {
        return new RunStateFile(planFile.resolveSibling(planFile.getFileName() + ".run-state"), agentNames);
    }

    public Path path() {
        return path;
    }

    public boolean exists() {
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
    }

    /** What it holds. */
    public record State(Plan base, Plan run, String savedAt) {}

    /** Saves {@code base} and {@code run}, atomically and durably. */
    void write(Plan base, Plan run) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("planexecRunState", FORMAT);
        root.put("savedAt", Timestamps.now());
        root.put(
                "note",
                "planexec's state of a run, kept while the plan file was not valid; 'planexec run' applies"
                        + " it to the plan file once the plan file is valid");
        root.put("base", new String(PlanFiles.toJson(base), StandardCharsets.UTF_8));
        root.put("run", new String(PlanFiles.toJson(run), StandardCharsets.UTF_8));
        createPrivate();
        AtomicFile.replace(path, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    }

    /**
     * Creates the file empty and 0600 if it is not there, so the atomic replace keeps that mode; a link is refused
     * rather than followed.
     */
    private void createPrivate() throws IOException {
        if (Files.isSymbolicLink(path)) {
            throw new IOException(path + " is a symbolic link; planexec does not write through it");
        }
        try {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(SecureFiles.FILE));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(path + " is not a regular file", e);
            }
        }
    }

    /**
     * Reads it back.
     *
     * @return empty if there is none, or if it is empty: a run that died while creating it had told nobody of
     *     anything it was about to hold
     * @throws IOException if it cannot be read or is not a run-state file
     */
    public Optional<State> read() throws IOException {
        if (!exists()) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(path + " is not a regular file");
        }
        byte[] bytes;
        try (var in = Files.newInputStream(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            bytes = in.readAllBytes();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (bytes.length == 0) {
            return Optional.empty();
        }
        JsonNode root = JSON.readTree(bytes);
        if (root == null || root.path("planexecRunState").asInt() != FORMAT) {
            throw new IOException(path + " is not a planexec run-state file");
        }
        try {
            Plan base = PlanFiles.parse(bytes(root, "base"), path + " (base)", agentNames);
            Plan run = PlanFiles.parse(bytes(root, "run"), path + " (run)", agentNames);
            return Optional.of(new State(base, run, root.path("savedAt").asText()));
        } catch (InvalidPlanException e) {
            throw new IOException(String.join("; ", e.problems()), e);
        }
    }

    /** Removes it once the plan file holds its state; the folder is forced so the removal survives a crash. */
    void delete() throws IOException {
        if (Files.deleteIfExists(path)) {
            SecureFiles.syncDirectory(path.toAbsolutePath().getParent());
        }
    }

    private static byte[] bytes(JsonNode root, String field) throws IOException {
        JsonNode node = root.get(field);
        if (node == null || !node.isTextual()) {
            throw new IOException("run-state file without \"" + field + "\"");
        }
        return node.textValue().getBytes(StandardCharsets.UTF_8);
    }
}
