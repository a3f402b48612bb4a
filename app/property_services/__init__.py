"""Property services: the companies and contracts, the service's facts on the board, owners' complaints and repair
requests on the clock, the satisfaction survey, findings and the monthly red and black lists."""
