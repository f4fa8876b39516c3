package io.goldfinch.accounts;

/** What a user may do. Self-sign-up yields WORKER or REQUESTER; the others are granted by an ADMIN. */
public enum Role {
    REQUESTER, WORKER, QUALITY_MANAGER, ADMIN;

    public static final String REQUESTER_NAME = "REQUESTER";
    public static final String WORKER_NAME = "WORKER";
    public static final String QUALITY_MANAGER_NAME = "QUALITY_MANAGER";
    public static final String ADMIN_NAME = "ADMIN";
}
