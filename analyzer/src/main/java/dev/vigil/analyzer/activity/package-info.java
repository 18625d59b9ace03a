/**
 * File activity in protected datasets as series ({@link
 * dev.vigil.analyzer.activity.ActivityProcessor}): per dataset and collector interval, files
 * created, modified, deleted and renamed, bytes written and write entropy; anomalies on them
 * carry the dataset, which is what the decision engine protects.
 */
package dev.vigil.analyzer.activity;
