package dev.planexec.plan;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One shell command of a task, run by the {@code local} agent with {@code sh -c}.
 *
 * @param run the command
 * @param timeoutSeconds how long it may run, or {@code null} for no limit
 * @param source the JSON object it was read from (keeps unknown fields), or {@code null} when it was written as a
 *     plain string ({@code "steps": ["make"]}) and so is written back as one
 */
public record Step(String run, Integer timeoutSeconds, ObjectNode source) {

    public static Step of(String run) {
        return new Step(run, null, null);
    }
}
