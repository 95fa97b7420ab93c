package dev.planexec.tui;

import static dev.planexec.tui.ScreenAssert.assertShows;
import static dev.planexec.tui.TuiFixtures.demoInEveryState;
import static dev.planexec.tui.TuiFixtures.demoPlan;
import static dev.planexec.tui.TuiFixtures.everyState;
import static dev.planexec.tui.TuiFixtures.silent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.input.KeyType;
import dev.planexec.plan.Plan;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key table is the only place keys are defined: every key it handles has a help line, the help screen shows
 * every key of where it is opened, no key means two things in one place, and a key not in the table does nothing.
 */
class KeyBindingsTest {
    @TempDir
    Path dir;

    @Test
    void a_binding_without_a_help_line_cannot_exist() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new KeyBindings.Binding(
                        List.of(KeyBindings.Scope.LIST),
                        List.of(KeyBindings.ch('z')),
                        "z",
                        " ",
                        "z",
                        null,
                        0,
                        app -> true,
                        app -> {}));
        for (KeyBindings.Binding b : KeyBindings.ALL) {
            assertFalse(b.help().isBlank(), b.label());
            assertFalse(b.keys().isEmpty(), b.label());
            assertFalse(b.scopes().isEmpty(), b.label());
        }
    }

    @Test
    void no_key_means_two_things_in_one_place() {
        for (KeyBindings.Scope scope : KeyBindings.Scope.values()) {
            Set<KeyBindings.Key> seen = new HashSet<>();
            for (KeyBindings.Binding b : KeyBindings.in(scope)) {
                for (KeyBindings.Key k : b.keys()) {
                    assertTrue(seen.add(k), scope + ": " + k + " is bound twice");
                }
            }
        }
    }

    @Test
    void the_help_screen_lists_every_key_of_the_list_and_of_the_output_pane() {
        Plan plan = demoPlan();
        try (VirtualTui tui = VirtualTui.open(plan, 120, 40)) {
            tui.begin(List.of(), silent(dir));
            everyState(tui, plan);
            tui.type("?");
            assertListsEveryKey(tui, KeyBindings.Scope.LIST);
            tui.type("x"); // any key closes the help
            tui.press(VirtualTui.key(KeyType.Enter));
            tui.type("?");
            assertListsEveryKey(tui, KeyBindings.Scope.OUTPUT);
        }
    }

    @Test
    void a_key_not_in_the_table_does_nothing() {
        try (VirtualTui tui = demoInEveryState(dir)) {
            tui.render();
            String before = tui.text();
            for (char c : "ZQ!@#%".toCharArray()) {
                assertTrue(
                        KeyBindings.ALL.stream().noneMatch(b -> b.keys().contains(KeyBindings.ch(c))),
                        c + " is not a key");
                tui.type(String.valueOf(c));
            }
            assertEquals(before, tui.text());
            assertFalse(tui.app.done());
        }
    }

    private static void assertListsEveryKey(VirtualTui tui, KeyBindings.Scope scope) {
        List<KeyBindings.Binding> bindings = KeyBindings.in(scope);
        int width = bindings.stream().mapToInt(b -> b.label().length()).max().orElseThrow() + 2;
        for (KeyBindings.Binding b : bindings) {
            String firstWords = b.help().length() > 30 ? b.help().substring(0, 30) : b.help();
            assertShows(tui.vt, b.label() + " ".repeat(width - b.label().length()) + firstWords);
        }
    }
}
