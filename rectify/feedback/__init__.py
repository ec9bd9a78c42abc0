"""Feedback files (巡察反馈意见): reading YAML, JSON and XLSX, validating with located errors, writing the inspection."""
