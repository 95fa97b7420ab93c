package dev.planexec.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.testing.CommandRunner;
import dev.planexec.testing.CommandRunner.Result;
import dev.planexec.testing.Plans;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plan in a folder named {@code .planeteer} runs where Planeteer works: in the project, the folder above. */
class PlaneteerFolderTest {
    @TempDir
    Path project;

    /**
     * As Planeteer's {@code savePlan} writes a plan made by {@code createPlan}: {@code JSON.stringify(plan, null, 2)}
     * with no final newline, the fields in createPlan's order (its defaults first, then the ones it was given), and
     * each task as the planner returned it. The tasks carry {@code steps}, which Planeteer keeps as it keeps any
     * field, so they run on the local agent.
     */
    private static final String SAVED_BY_PLANETEER = String.join(
            "\n",
            "{",
            "  \"description\": \"Make two files\",",
            "  \"createdAt\": \"2026-11-21T10:00:00.000Z\",",
            "  \"updatedAt\": \"2026-11-21T10:05:00.000Z\",",
            "  \"tasks\": [",
            "    {",
            "      \"id\": \"first\",",
            "      \"title\": \"Make the first file\",",
            "      \"description\": \"\",",
            "      \"acceptanceCriteria\": [",
            "        \"first.txt exists\"",
            "      ],",
            "      \"dependsOn\": [],",
            "      \"status\": \"pending\",",
            "      \"steps\": [",
            "        \"touch first.txt\"",
            "      ]",
            "    },",
            "    {",
            "      \"id\": \"second\",",
            "      \"title\": \"Make the second file\",",
            "      \"description\": \"\",",
            "      \"acceptanceCriteria\": [],",
            "      \"dependsOn\": [",
            "        \"first\"",
            "      ],",
            "      \"status\": \"pending\",",
            "      \"steps\": [",
            "        \"test -f first.txt && touch second.txt\"",
            "      ]",
            "    }",
            "  ],",
            "  \"id\": \"rt1\",",
            "  \"name\": \"Two files\",",
            "  \"skills\": [",
            "    {",
            "      \"name\": \"testing\",",
            "      \"enabled\": true",
            "    }",
            "  ]",
            "}");

    @Test
    void without_a_working_directory_a_planeteer_plan_works_in_the_folder_above() throws Exception {
        Path plan = Plans.write(project.resolve(".planeteer"), "rt1.json", SAVED_BY_PLANETEER);

        assertEquals(project.toAbsolutePath().normalize(), PlanFiles.workingDirectory(plan, Plans.load(plan)));
    }

    @Test
    void a_working_directory_stays_relative_to_the_plan_file() throws Exception {
        Path plan = Plans.write(
                project.resolve(".planeteer"),
                "wd.json",
                SAVED_BY_PLANETEER.replace("\"id\": \"rt1\"", "\"workingDirectory\": \".\", \"id\": \"rt1\""));

        assertEquals(
                project.resolve(".planeteer").toAbsolutePath().normalize(),
                PlanFiles.workingDirectory(plan, Plans.load(plan)));
    }

    @Test
    void a_plan_in_any_other_folder_works_in_its_own() throws Exception {
        for (String folder : List.of("plans", "planeteer", ".planeteer-old")) {
            Path plan = Plans.write(project.resolve(folder), "rt1.json", SAVED_BY_PLANETEER);

            assertEquals(
                    project.resolve(folder).toAbsolutePath().normalize(),
                    PlanFiles.workingDirectory(plan, Plans.load(plan)));
        }
    }

    @Test
    void a_run_of_a_plan_planeteer_saved_makes_its_files_in_the_project() throws Exception {
        Path plan = Plans.write(project.resolve(".planeteer"), "rt1.json", SAVED_BY_PLANETEER);

        Result r = new CommandRunner(project.resolve("home")).run("run", plan.toString());

        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(Files.exists(project.resolve("first.txt")), "the first task ran in the project folder");
        assertTrue(Files.exists(project.resolve("second.txt")), "the second task ran in the project folder");
        assertFalse(Files.exists(project.resolve(".planeteer/first.txt")), "nothing was made beside the plan");
        assertEquals(TaskStatus.DONE, Plans.task(plan, "second").status());
        String saved = new String(Files.readAllBytes(plan), StandardCharsets.UTF_8);
        assertFalse(saved.endsWith("\n"), "like Planeteer's own saves, the file has no final newline");
        assertTrue(saved.startsWith(SAVED_BY_PLANETEER.substring(0, SAVED_BY_PLANETEER.indexOf("\"updatedAt\""))));
    }
}
