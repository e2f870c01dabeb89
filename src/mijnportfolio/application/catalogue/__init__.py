"""The catalogue (admin only): programmes, their modules and exams with their structure.

An exam's structure can be edited piece by piece or replaced at once from an exam definition
(the upload file; parsing it is an adapter's job, this module gets the checked structure).
"""
