package dev.planexec.plan;

/**
 * Where a plan's isolated work started: the commit its integration branch {@code planexec/<plan-id>} was made from,
 * and the branch the user had checked out then (the one {@code planexec land} merges into), {@code null} if detached.
 */
public record GitBase(String commit, String branch) {}
