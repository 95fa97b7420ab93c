package dev.planexec.plan;

/**
 * Something wrong with a plan file, placed by a JSON pointer ({@code /tasks/3/dependsOn/0}) until the file's
 * line and column are looked up.
 */
public record PlanProblem(String pointer, String message) {}
