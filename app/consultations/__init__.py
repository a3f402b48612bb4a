"""Consultations (意见征询): the committee asks the owners a non-binding question; answers are counted by area and headcount."""
