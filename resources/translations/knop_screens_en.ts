<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>BidCard</name>
    <message>
        <location filename="../../ui/review.py" line="75" />
        <source>Skills</source>
        <translation>Skills</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="82" />
        <source>Message to the bidder (optional)</source>
        <translation>Message to the bidder (optional)</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="83" />
        <source>&amp;Accept</source>
        <translation>&amp;Accept</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="84" />
        <source>&amp;Decline</source>
        <translation>&amp;Decline</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="95" />
        <source>Endorse the skills the work showed</source>
        <translation>Endorse the skills the work showed</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="100" />
        <source>&amp;Endorse</source>
        <translation>&amp;Endorse</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="140" />
        <source>Bid from %1</source>
        <translation>Bid from %1</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="143" />
        <source>Status: %1</source>
        <translation>Status: %1</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="145" />
        <source>Your message: “%1”</source>
        <translation>Your message: “%1”</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="147" />
        <source>No message.</source>
        <translation>No message.</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="150" />
        <source>Offers %1</source>
        <translation>Offers %1</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="152" />
        <source>Available: %1</source>
        <translation>Available: %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/review.py" line="156" />
        <source>%n finished task(s)</source>
        <translation>
            <numerusform>%n finished task</numerusform>
            <numerusform>%n finished tasks</numerusform>
            </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/review.py" line="158" />
        <source>%n endorsement(s)</source>
        <translation>
            <numerusform>%n endorsement</numerusform>
            <numerusform>%n endorsements</numerusform>
            </translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="166" />
        <source>All seats are filled.</source>
        <translation>All seats are filled.</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="174" />
        <source>No skills on the profile yet.</source>
        <translation>No skills on the profile yet.</translation>
    </message>
</context>
<context>
    <name>MyPage</name>
    <message>
        <location filename="../../ui/my_page.py" line="62" />
        <location filename="../../ui/my_page.py" line="68" />
        <source>My skills</source>
        <translation>My skills</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="64" />
        <source>Re&amp;move skill</source>
        <translation>Re&amp;move skill</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="75" />
        <source>Add a skill:</source>
        <translation>Add a skill:</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="89" />
        <location filename="../../ui/my_page.py" line="102" />
        <source>Task</source>
        <translation>Task</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="90" />
        <source>Site</source>
        <translation>Site</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="91" />
        <source>My bid</source>
        <translation>My bid</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="92" />
        <source>Task status</source>
        <translation>Task status</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="94" />
        <source>Placed</source>
        <translation>Placed</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="103" />
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="104" />
        <source>Bids</source>
        <translation>Bids</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="106" />
        <source>Seats filled</source>
        <translation>Seats filled</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="110" />
        <source>Posted</source>
        <translation>Posted</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="116" />
        <source>My bids</source>
        <translation>My bids</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="121" />
        <source>My tasks</source>
        <translation>My tasks</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="171" />
        <source>Available: %1</source>
        <translation>Available: %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/my_page.py" line="175" />
        <source>%n finished task(s)</source>
        <translation>
            <numerusform>%n finished task</numerusform>
            <numerusform>%n finished tasks</numerusform>
            </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/my_page.py" line="177" />
        <source>%n endorsement(s)</source>
        <translation>
            <numerusform>%n endorsement</numerusform>
            <numerusform>%n endorsements</numerusform>
            </translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="193" />
        <source>My &amp;bids (%1)</source>
        <translation>My &amp;bids (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="194" />
        <source>My &amp;tasks (%1)</source>
        <translation>My &amp;tasks (%1)</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <location filename="../../ui/review.py" line="260" />
        <source>&amp;Mark task as done</source>
        <translation>&amp;Mark task as done</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="267" />
        <source>Message to those not chosen (optional)</source>
        <translation>Message to those not chosen (optional)</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="268" />
        <source>Message to those not chosen</source>
        <translation>Message to those not chosen</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="269" />
        <source>Decline the &amp;rest</source>
        <translation>Decline the &amp;rest</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="281" />
        <source>✔ confirmed by a finished task   ○ self-declared   bold: a skill this task asks for</source>
        <translation>✔ confirmed by a finished task   ○ self-declared   bold: a skill this task asks for</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="294" />
        <source>Bids</source>
        <translation>Bids</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="321" />
        <source>This review is not available: the task is gone, or you are not one of the people who manage it.</source>
        <translation>This review is not available: the task is gone, or you are not one of the people who manage it.</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="333" />
        <source>%1 of %2 seats filled</source>
        <translation>%1 of %2 seats filled</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="339" />
        <source>Skills wanted: %1</source>
        <translation>Skills wanted: %1</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="348" />
        <source>Accept at least one bid first.</source>
        <translation>Accept at least one bid first.</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="352" />
        <source>No bids on this task yet.</source>
        <translation>No bids on this task yet.</translation>
    </message>
</context>
<context>
    <name>SkillListModel</name>
    <message>
        <location filename="../../ui/skill_picker.py" line="234" />
        <source>Skill</source>
        <translation>Skill</translation>
    </message>
    <message>
        <location filename="../../ui/skill_picker.py" line="236" />
        <source>Evidence</source>
        <translation>Evidence</translation>
    </message>
</context>
<context>
    <name>SkillPicker</name>
    <message>
        <location filename="../../ui/skill_picker.py" line="123" />
        <source>Search the catalogue or write a free tag</source>
        <translation>Search the catalogue or write a free tag</translation>
    </message>
    <message>
        <location filename="../../ui/skill_picker.py" line="124" />
        <source>Search skills</source>
        <translation>Search skills</translation>
    </message>
    <message>
        <location filename="../../ui/skill_picker.py" line="130" />
        <source>Skills in the catalogue</source>
        <translation>Skills in the catalogue</translation>
    </message>
    <message>
        <location filename="../../ui/skill_picker.py" line="135" />
        <source>Add ski&amp;ll</source>
        <translation>Add ski&amp;ll</translation>
    </message>
    <message>
        <location filename="../../ui/skill_picker.py" line="136" />
        <source>Add as &amp;free tag</source>
        <translation>Add as &amp;free tag</translation>
    </message>
    <message>
        <location filename="../../ui/skill_picker.py" line="206" />
        <source>Free tag: %1</source>
        <translation>Free tag: %1</translation>
    </message>
    <message>
        <location filename="../../ui/skill_picker.py" line="208" />
        <source>Already chosen.</source>
        <translation>Already chosen.</translation>
    </message>
</context>
<context>
    <name>TaskForm</name>
    <message>
        <location filename="../../ui/task_form.py" line="143" />
        <source>New task</source>
        <translation>New task</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="146" />
        <source>Dis&amp;card draft</source>
        <translation>Dis&amp;card draft</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="157" />
        <source>Site</source>
        <translation>Site</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="160" />
        <source>What needs doing, in a few words</source>
        <translation>What needs doing, in a few words</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="164" />
        <source>What the task is, who it is for, and what a helper should bring</source>
        <translation>What the task is, who it is for, and what a helper should bring</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="172" />
        <source>Skills wanted</source>
        <translation>Skills wanted</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="175" />
        <source>Re&amp;move skill</source>
        <translation>Re&amp;move skill</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="186" />
        <source> h</source>
        <translation> h</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="189" />
        <source>No start date</source>
        <translation>No start date</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="190" />
        <source>No end date</source>
        <translation>No end date</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="191" />
        <source>No deadline</source>
        <translation>No deadline</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="194" />
        <source>E.g. the school kitchen, Skolevej 12</source>
        <translation>E.g. the school kitchen, Skolevej 12</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="198" />
        <source>&amp;Title:</source>
        <translation>&amp;Title:</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="199" />
        <source>&amp;Description:</source>
        <translation>&amp;Description:</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="204" />
        <source>Chosen:</source>
        <translation>Chosen:</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="210" />
        <source>S&amp;kills wanted:</source>
        <translation>S&amp;kills wanted:</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="211" />
        <source>S&amp;ite:</source>
        <translation>S&amp;ite:</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="212" />
        <source>A&amp;udience:</source>
        <translation>A&amp;udience:</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="213" />
        <source>&amp;Seats:</source>
        <translation>&amp;Seats:</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="214" />
        <source>&amp;Effort:</source>
        <translation>&amp;Effort:</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="217" />
        <source>St&amp;art date:</source>
        <translation>St&amp;art date:</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="219" />
        <source>Clear the start date</source>
        <translation>Clear the start date</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="223" />
        <source>E&amp;nd date:</source>
        <translation>E&amp;nd date:</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="225" />
        <source>Clear the end date</source>
        <translation>Clear the end date</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="229" />
        <source>&amp;Bid deadline:</source>
        <translation>&amp;Bid deadline:</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="231" />
        <source>Clear the bid deadline</source>
        <translation>Clear the bid deadline</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="233" />
        <source>&amp;Place:</source>
        <translation>&amp;Place:</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="234" />
        <source>Seats</source>
        <translation>Seats</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="235" />
        <source>Effort in hours</source>
        <translation>Effort in hours</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="236" />
        <source>Start date</source>
        <translation>Start date</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="237" />
        <source>End date</source>
        <translation>End date</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="238" />
        <source>Bid deadline</source>
        <translation>Bid deadline</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="251" />
        <source>Save as d&amp;raft</source>
        <translation>Save as d&amp;raft</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="252" />
        <source>Keep the form on this computer (Ctrl+S)</source>
        <translation>Keep the form on this computer (Ctrl+S)</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="253" />
        <source>Publis&amp;h</source>
        <translation>Publis&amp;h</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="256" />
        <source>Publish (Ctrl+Return)</source>
        <translation>Publish (Ctrl+Return)</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="400" />
        <source>Edit: %1</source>
        <translation>Edit: %1</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="404" />
        <source>This task cannot be edited</source>
        <translation>This task cannot be edited</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="406" />
        <source>The task is gone, or you are not one of the people who manage it.</source>
        <translation>The task is gone, or you are not one of the people who manage it.</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="419" />
        <source>Save c&amp;hanges</source>
        <translation>Save c&amp;hanges</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="420" />
        <source>Save changes (Ctrl+Return)</source>
        <translation>Save changes (Ctrl+Return)</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="428" />
        <source>The audience can only be changed while the task is a draft.</source>
        <translation>The audience can only be changed while the task is a draft.</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="433" />
        <source>Your draft from %1 is restored.</source>
        <translation>Your draft from %1 is restored.</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="579" />
        <source>Draft saved on this computer at %1.</source>
        <translation>Draft saved on this computer at %1.</translation>
    </message>
</context>
<context>
    <name>TaskView</name>
    <message>
        <location filename="../../ui/task_view.py" line="90" />
        <source>This task is not available. It may have been removed, or you no longer have access to it.</source>
        <translation>This task is not available. It may have been removed, or you no longer have access to it.</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="97" />
        <source>&amp;Edit task</source>
        <translation>&amp;Edit task</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="98" />
        <source>&amp;Review bids</source>
        <translation>&amp;Review bids</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="118" />
        <source>Skills wanted:</source>
        <translation>Skills wanted:</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="119" />
        <source>Seats:</source>
        <translation>Seats:</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="120" />
        <source>Effort:</source>
        <translation>Effort:</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="121" />
        <source>When:</source>
        <translation>When:</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="122" />
        <source>Bid deadline:</source>
        <translation>Bid deadline:</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="123" />
        <source>Place:</source>
        <translation>Place:</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="124" />
        <source>Posted by:</source>
        <translation>Posted by:</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="125" />
        <source>Site:</source>
        <translation>Site:</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="180" />
        <source>Bids</source>
        <translation>Bids</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="185" />
        <source>Bidder</source>
        <translation>Bidder</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="186" />
        <source>Site</source>
        <translation>Site</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="187" />
        <source>Hours</source>
        <translation>Hours</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="188" />
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="194" />
        <source>Bids on this task</source>
        <translation>Bids on this task</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="203" />
        <source>Your bid</source>
        <translation>Your bid</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="207" />
        <source>Message to the task owner</source>
        <translation>Message to the task owner</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="209" />
        <source>Why you? What have you done like this before?</source>
        <translation>Why you? What have you done like this before?</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="217" />
        <location filename="../../ui/task_view.py" line="336" />
        <source>Not stated</source>
        <translation>Not stated</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="218" />
        <source>Hours offered</source>
        <translation>Hours offered</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="224" />
        <source>Availability</source>
        <translation>Availability</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="225" />
        <source>E.g. Tuesdays after 14</source>
        <translation>E.g. Tuesdays after 14</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="226" />
        <source>&amp;Place bid</source>
        <translation>&amp;Place bid</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="227" />
        <source>Place bid (Ctrl+Return)</source>
        <translation>Place bid (Ctrl+Return)</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="228" />
        <source>&amp;Save changes to bid</source>
        <translation>&amp;Save changes to bid</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="231" />
        <source>&amp;Withdraw bid</source>
        <translation>&amp;Withdraw bid</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="239" />
        <source>&amp;Message:</source>
        <translation>&amp;Message:</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="240" />
        <source>&amp;Hours offered:</source>
        <translation>&amp;Hours offered:</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="241" />
        <source>&amp;Availability:</source>
        <translation>&amp;Availability:</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="264" />
        <source>Conversation</source>
        <translation>Conversation</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="267" />
        <source>Comments on this task</source>
        <translation>Comments on this task</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="268" />
        <source>No comments yet. Ask a question here.</source>
        <translation>No comments yet. Ask a question here.</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="270" />
        <source>New comment</source>
        <translation>New comment</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="271" />
        <source>Write a comment (Ctrl+Return sends)</source>
        <translation>Write a comment (Ctrl+Return sends)</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="274" />
        <source>Sen&amp;d comment</source>
        <translation>Sen&amp;d comment</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="275" />
        <source>Send comment (Ctrl+Return)</source>
        <translation>Send comment (Ctrl+Return)</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="323" />
        <source>No description.</source>
        <translation>No description.</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="326" />
        <source>None in particular</source>
        <translation>None in particular</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="329" />
        <source>%1 in all, %2 filled</source>
        <translation>%1 in all, %2 filled</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="335" />
        <source>None</source>
        <translation>None</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="352" />
        <source>You</source>
        <translation>You</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/task_view.py" line="359" />
        <source>%n bid(s) so far</source>
        <translation>
            <numerusform>%n bid so far</numerusform>
            <numerusform>%n bids so far</numerusform>
            </translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="359" />
        <source>No bids yet.</source>
        <translation>No bids yet.</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="409" />
        <source>This task is not taking bids now.</source>
        <translation>This task is not taking bids now.</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="411" />
        <source>The deadline for bids has passed.</source>
        <translation>The deadline for bids has passed.</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="412" />
        <source>You have not bid on this task yet.</source>
        <translation>You have not bid on this task yet.</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="413" />
        <source>Your bid: %1.</source>
        <translation>Your bid: %1.</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="415" />
        <source>Message from the manager: “%1”</source>
        <translation>Message from the manager: “%1”</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="419" />
        <source>You can bid again.</source>
        <translation>You can bid again.</translation>
    </message>
</context>
<context>
    <name>Wording</name>
    <message>
        <location filename="../../ui/wording.py" line="20" />
        <source>Draft</source>
        <translation>Draft</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="21" />
        <source>Open for bids</source>
        <translation>Open for bids</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="22" />
        <source>All seats filled</source>
        <translation>All seats filled</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="23" />
        <source>Done</source>
        <translation>Done</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="24" />
        <source>Cancelled</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="31" />
        <source>Awaiting decision</source>
        <translation>Awaiting decision</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="32" />
        <source>Accepted</source>
        <translation>Accepted</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="33" />
        <source>Declined</source>
        <translation>Declined</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="34" />
        <source>Withdrawn</source>
        <translation>Withdrawn</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="41" />
        <source>Own site only</source>
        <translation>Own site only</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="42" />
        <source>The whole organisation</source>
        <translation>The whole organisation</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="43" />
        <source>Also volunteers and externals</source>
        <translation>Also volunteers and externals</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="51" />
        <source>Self-declared</source>
        <translation>Self-declared</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="54" />
        <source>Confirmed by %1 after “%2”</source>
        <translation>Confirmed by %1 after “%2”</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="58" />
        <source>Confirmed by %1</source>
        <translation>Confirmed by %1</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="75" />
        <source>d MMMM yyyy</source>
        <translation>d MMMM yyyy</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="90" />
        <source>d MMM yyyy</source>
        <translation>d MMM yyyy</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="105" />
        <source>No date set</source>
        <translation>No date set</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="112" />
        <source>%1 h</source>
        <translation>%1 h</translation>
    </message>
</context>
</TS>