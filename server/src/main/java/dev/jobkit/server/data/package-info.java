/**
 * Datasets, models and results: what users upload or register for the shipped {@code train} and
 * {@code predict} apps, and what those apps produce.
 */
package dev.jobkit.server.data;
