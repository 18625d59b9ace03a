/**
 * Forecasts, the predictive part: a least squares line through the recent window means of growing
 * ratio series (filesystem utilization and the like) gives a time-to-full; a {@code Forecast} is
 * published when it falls under the horizon ({@link dev.vigil.analyzer.forecast.ForecastPolicy}).
 */
package dev.vigil.analyzer.forecast;
