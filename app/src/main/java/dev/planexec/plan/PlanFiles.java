package dev.planexec.plan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reading, validating and writing plan files.
 *
 * <pre>{@code
 * // throws InvalidPlanException listing every problem, an agent not in AgentRegistry.NAMES among them
 * Plan plan = PlanFiles.load(Path.of("plans/demo.json"), AgentRegistry.NAMES);
 * byte[] json = PlanFiles.toJson(plan.withTask(...)); // the file's bytes with only that change made
 * }</pre>
 */
public final class PlanFiles {
    /** The folder Planeteer keeps its plans in, inside the project it works on. */
    public static final String PLANETEER_FOLDER = ".planeteer";

    private PlanFiles() {}

    /**
     * Reads and validates the plan at {@code file}; problems name the file as it was given. Besides what
     * {@link #parse} checks, the file must be a regular file (or a link to one).
     */
    public static Plan load(Path file, List<String> agentNames) throws InvalidPlanException {
        return parse(read(file), file.toString(), null, agentNames);
    }

    /**
     * {@link #load(Path, List)}, and the plan's working folder must exist: everything {@code run} refuses for the plan's sake
     * before it starts, so that {@code validate} says it too. (Not part of {@link #load(Path, List)}: a plan whose folder is gone
     * is still a plan, whose sessions {@code sessions clean} must not take for orphans.)
     */
    public static Plan loadForRun(Path file, List<String> agentNames) throws InvalidPlanException {
        return parse(read(file), file.toString(), file, agentNames);
    }

    /**
     * Parses and validates plan JSON; {@code name} is the file name used in problem reports, {@code agentNames} the
     * agent names the plan may use (the agent registry's, from the caller), in the order a problem lists them.
     */
    public static Plan parse(byte[] json, String name, List<String> agentNames) throws InvalidPlanException {
        return parse(json, name, null, agentNames);
    }

    /**
     * The plan as it is written to disk. A plan read from a file is that file's bytes with only the values that
     * differ from what was read written anew, in the file's layout (indentation, line breaks, spacing); everything
     * else is kept byte for byte. A plan made in code is written as Planeteer writes one: two-space indent, a final
     * newline.
     */
    public static byte[] toJson(Plan plan) {
        return PlanWriter.write(plan);
    }

    /**
     * The folder the plan's tasks run in: {@code workingDirectory} relative to the plan file's folder; without one,
     * that folder, or for a plan in a folder named {@code .planeteer}, the folder above it, where Planeteer works.
     */
    public static Path workingDirectory(Path planFile, Plan plan) {
        Path planDir = planFile.toAbsolutePath().getParent();
        String wd = plan.workingDirectory();
        if (wd != null && !wd.isBlank()) {
            return planDir.resolve(wd).normalize();
        }
        Path name = planDir.getFileName();
        if (name != null && name.toString().equals(PLANETEER_FOLDER) && planDir.getParent() != null) {
            return planDir.getParent().normalize();
        }
        return planDir.normalize();
    }

    private static byte[] read(Path file) throws InvalidPlanException {
        BasicFileAttributes attributes;
        try {
            // Looked at before opening: opening a FIFO would wait for a writer that may never come.
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new InvalidPlanException(List.of(file + ": no such file"));
        } catch (AccessDeniedException e) {
            throw new InvalidPlanException(List.of(file + ": permission denied"));
        } catch (IOException e) {
            throw new InvalidPlanException(List.of(file + ": cannot read: " + e.getMessage()));
        }
        if (attributes.isDirectory()) {
            throw new InvalidPlanException(List.of(file + ": is a folder, not a plan file"));
        }
        if (!attributes.isRegularFile()) {
            throw new InvalidPlanException(List.of(
                    file + ": is " + specialKind(file) + ", not a regular file; a plan must be a regular file"));
        }
        if (attributes.size() > PlanLimits.MAX_FILE_BYTES) {
            throw tooLarge(file.toString());
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) PlanLimits.MAX_FILE_BYTES + 1);
        } catch (AccessDeniedException e) {
            throw new InvalidPlanException(List.of(file + ": permission denied"));
        } catch (IOException e) {
            throw new InvalidPlanException(List.of(file + ": cannot read: " + e.getMessage()));
        }
        return bytes;
    }

    private static InvalidPlanException tooLarge(String name) {
        return new InvalidPlanException(List.of(name + ":1:1: the file is larger than "
                + PlanLimits.MAX_FILE_BYTES / (1024 * 1024) + " MiB, the most a plan file may be"));
    }

    /** What a file that is neither a folder nor a regular file is, in words. */
    private static String specialKind(Path file) {
        try {
            int mode = (Integer) Files.getAttribute(file, "unix:mode");
            return switch (mode & 0170000) {
                case 0010000 -> "a FIFO (named pipe)";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "a special file";
            };
        } catch (IOException | RuntimeException e) {
            return "a special file";
        }
    }

    /** {@code file}, when given, is where the plan was read from: its working folder is checked too. */
    private static Plan parse(byte[] json, String name, Path file, List<String> agentNames)
            throws InvalidPlanException {
        if (json.length > PlanLimits.MAX_FILE_BYTES) {
            throw tooLarge(name);
        }
        JsonSource document;
        try {
            document = JsonSource.parse(json);
        } catch (JsonSource.MalformedJsonException e) {
            int[] at = JsonSource.lineAndColumn(json, e.offset());
            throw new InvalidPlanException(List.of(name + ":" + at[0] + ":" + at[1] + ": " + e.getMessage()));
        } catch (JsonSource.EmptyDocumentException e) {
            throw new InvalidPlanException(List.of(name + ":1:1: the file is empty; a plan is a JSON object"));
        }
        List<PlanProblem> problems = new ArrayList<>();
        PlanSource source = new PlanSource(document);
        PlanReader reader = new PlanReader(problems, source);
        Plan plan = reader.read(document.root());
        if (plan != null) {
            new PlanValidator(problems, agentNames)
                    .validate(plan, reader.taskPointers(), reader.unreadableSteps(), reader.unreadableId());
            if (file != null) {
                checkWorkingDirectory(file, plan, problems);
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidPlanException(report(document, name, problems));
        }
        return plan;
    }

    private static void checkWorkingDirectory(Path file, Plan plan, List<PlanProblem> problems) {
        String wd = plan.workingDirectory();
        if (wd != null && !wd.isBlank() && !Files.isDirectory(workingDirectory(file, plan))) {
            problems.add(new PlanProblem(
                    "/workingDirectory",
                    "workingDirectory \"" + wd + "\" is not a folder (it is relative to the plan file's folder)"));
        }
    }

    /** Each problem as {@code name:line:column: message}, in the order they appear in the file. */
    private static List<String> report(JsonSource document, String name, List<PlanProblem> problems) {
        record Located(int offset, PlanProblem problem) {}
        List<Located> located = new ArrayList<>();
        for (PlanProblem problem : problems) {
            located.add(new Located(document.offsetOf(problem.pointer()), problem));
        }
        located.sort(Comparator.comparingInt(Located::offset)); // stable: one place keeps the order found
        List<String> lines = new ArrayList<>();
        for (Located l : located) {
            int[] at = document.lineAndColumn(l.offset());
            lines.add(name + ":" + at[0] + ":" + at[1] + ": " + l.problem().message());
        }
        return lines;
    }
}
