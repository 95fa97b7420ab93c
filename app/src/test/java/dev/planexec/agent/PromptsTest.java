package dev.planexec.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PromptsTest {

    @Test
    void the_first_line_of_a_first_prompt_is_the_tasks_title_and_id() {
        TaskBrief brief = new TaskBrief(
                "demo",
                "Demo plan",
                "What it builds",
                "/w/demo.json",
                "setup",
                "Create the\noutput folder",
                "mkdir out",
                List.of("out/ exists"),
                List.of(),
                List.of());

        assertEquals(
                "Create the output folder (planexec task setup)",
                Prompts.first(brief).lines().findFirst().orElseThrow());
    }
}
