"""The preparatory group (业主大会筹备组): formed by the street office for a community without a committee, it runs the first assembly."""
